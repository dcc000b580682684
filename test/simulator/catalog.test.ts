/** GET /v2/models: the v2 OpenAPI `ModelCatalog`, public, filtered by modality, and down on demand. */
import { parseArgs } from './cli';
import type { Simulator } from './index';
import { call, start } from './helpers';

const seedream = (id: string, label: string, description: string, cost: number) => ({
	id,
	label,
	modality: 'image',
	description,
	costMin: cost,
	costMax: cost,
	pricingMode: 'per-output',
	provider: 'bytedance',
});

const FAMILY = [
	seedream('seedream-5-pro', 'Seedream 5 Pro', "ByteDance's flagship Seedream: the most detailed images", 6),
	seedream('seedream-5-lite', 'Seedream 5 Lite', 'Seedream 5 at a lower price, for drafts and volume', 3),
	seedream('seedream-4.5', 'Seedream 4.5', 'Text-to-image and editing with up to 14 references, 2K and 4K', 4),
	seedream('seedream-4', 'Seedream 4', 'Unified generation and editing', 3),
	seedream('seedream-3.1', 'Seedream 3.1', 'Refresh of Seedream 3', 2),
	seedream('seedream-3', 'Seedream 3', 'The first Seedream, text-to-image', 2),
];
const FLUX = { id: 'flux-2-pro', label: 'FLUX.2 Pro', modality: 'image', description: "Black Forest Labs' FLUX.2", costMin: 5, costMax: 5, pricingMode: 'per-output', provider: 'bfl' };
const MIDJOURNEY = { id: 'midjourney', label: 'Midjourney', modality: 'image', description: 'Midjourney v7, four images per job', costMin: 8, costMax: 16, pricingMode: 'per-output', provider: 'midjourney' };
const SEEDANCE = { id: 'seedance-1-pro', label: 'Seedance 1 Pro', modality: 'video', description: "ByteDance's video model", costMin: 20, costMax: 120, pricingMode: 'per-second', provider: 'bytedance' };
const SUNO = { id: 'suno', label: 'Suno', modality: 'music', description: 'Songs with vocals', costMin: 10, costMax: 10, pricingMode: 'flat', provider: 'suno' };

let sim: Simulator;
beforeAll(async () => {
	sim = await start();
});
afterAll(() => sim.close());

describe('GET /v2/models', () => {
	test('without a key: every modality, the Seedream family among other models', async () => {
		const r = await call(sim, 'GET', '/v2/models', { key: null });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ models: [FLUX, ...FAMILY, MIDJOURNEY, SEEDANCE, SUNO] });
	});

	test('?modality=image|video|music filters; a bad key is no reason to refuse', async () => {
		expect((await call(sim, 'GET', '/v2/models?modality=image', { key: 'afk_nope' })).json).toEqual({ models: [FLUX, ...FAMILY, MIDJOURNEY] });
		expect((await call(sim, 'GET', '/v2/models?modality=video', { key: null })).json).toEqual({ models: [SEEDANCE] });
		expect((await call(sim, 'GET', '/v2/models?modality=music', { key: null })).json).toEqual({ models: [SUNO] });
	});

	test('another modality → 400 with details', async () => {
		for (const q of ['modality=text', 'modality=', 'modality=Image']) {
			const r = await call(sim, 'GET', `/v2/models?${q}`, { key: null });
			expect(r.status).toBe(400);
			expect(r.json).toEqual({ error: 'Validation failed', details: { modality: ['must be one of image, video, music'] } });
		}
	});

	test("the catalog shows what is charged: creditsPerImage is seedream-4.5's price", async () => {
		const dear = await start({ creditsPerImage: 9 });
		try {
			const models = (await call(dear, 'GET', '/v2/models?modality=image', { key: null })).json.models;
			expect(models.find((m: { id: string }) => m.id === 'seedream-4.5')).toMatchObject({ costMin: 9, costMax: 9 });
			expect(models.find((m: { id: string }) => m.id === 'seedream-5-pro')).toMatchObject({ costMin: 6, costMax: 6 });
		} finally {
			await dear.close();
		}
	});

	test('modelsCatalog: false → 503 for good, everything else still works', async () => {
		const down = await start({ modelsCatalog: false });
		try {
			for (const q of ['', '?modality=image', '?modality=text']) {
				const r = await call(down, 'GET', `/v2/models${q}`, { key: null });
				expect(r.status).toBe(503);
				expect(r.json).toEqual({ error: 'Service temporarily unavailable' });
			}
			expect((await call(down, 'GET', '/v2/me')).status).toBe(200);
			// Reset restores state, not options: the catalog stays down.
			down.reset();
			expect((await call(down, 'GET', '/v2/models', { key: null })).status).toBe(503);
		} finally {
			await down.close();
		}
	});

	test('a 503 fault takes the catalog down for a given number of requests', async () => {
		sim.injectFaults({ kind: 503, count: 1, pathPrefix: '/v2/models' });
		expect((await call(sim, 'GET', '/v2/models?modality=image', { key: null })).status).toBe(503);
		expect((await call(sim, 'GET', '/v2/models?modality=image', { key: null })).status).toBe(200);
	});

	test('--models-catalog / SIM_MODELS_CATALOG', () => {
		expect(parseArgs(['--models-catalog=false'], {}).modelsCatalog).toBe(false);
		expect(parseArgs(['--models-catalog', 'off', '--port', '1'], {})).toMatchObject({ modelsCatalog: false, port: 1 });
		expect(parseArgs([], { SIM_MODELS_CATALOG: '0' }).modelsCatalog).toBe(false);
		expect(parseArgs(['--models-catalog'], { SIM_MODELS_CATALOG: '0' }).modelsCatalog).toBe(true);
		expect(parseArgs([], {}).modelsCatalog).toBeUndefined();
	});
});
