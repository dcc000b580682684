/** The whole Seedream family on POST /v2/images/generate: rules per model, sizes, prices. */
import type { Simulator } from './index';
import { call, download, generate, runJob, start } from './helpers';
import { imageSize } from '../support/imageSize';

const FAMILY = ['seedream-5-pro', 'seedream-5-lite', 'seedream-4.5', 'seedream-4', 'seedream-3.1', 'seedream-3'];
const PRICES: Record<string, number> = {
	'seedream-5-pro': 6,
	'seedream-5-lite': 3,
	'seedream-4.5': 4,
	'seedream-4': 3,
	'seedream-3.1': 2,
	'seedream-3': 2,
};
const px = (n: number) => Math.max(1, Math.round(n / 32));
const req = (model: string, seedreamParams?: Record<string, unknown>, prompt = 'a heron at dawn') => ({
	model,
	prompt,
	...(seedreamParams ? { seedreamParams } : {}),
});
const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://example.com/ref-${i}.png`);

let sim: Simulator;
beforeAll(async () => {
	sim = await start();
});
afterAll(() => sim.close());

describe('every Seedream model runs, at its own price', () => {
	test.each(FAMILY)('%s → COMPLETED, charged its price, model and creditCost in the job', async (model) => {
		const before = sim.credits(sim.apiKey);
		const r = await generate(sim, req(model));
		expect(r.status).toBe(202);
		expect(sim.credits(sim.apiKey)).toBe(before - PRICES[model]);
		const job = await runJob(sim, req(model, undefined, `a heron, ${model}`));
		expect(job).toMatchObject({ status: 'COMPLETED', model, creditCost: PRICES[model], input: { model, prompt: `a heron, ${model}` } });
		expect(sim.jobs().find((j) => j.id === job.id)).toMatchObject({ model, chargedCredits: PRICES[model] });
	});

	test('a failed job refunds its model\'s price', async () => {
		const before = sim.credits(sim.apiKey);
		const job = await runJob(sim, req('seedream-5-pro', undefined, 'a [[fail]] heron'));
		expect(job).toMatchObject({ status: 'FAILED', creditCost: 0 });
		expect(sim.credits(sim.apiKey)).toBe(before);
	});

	test('402 names the price of the model asked for', async () => {
		const key = 'afk_five_credits_000000000000000000000000000';
		sim.setKey({ key, credits: 5 });
		const r = await generate(sim, req('seedream-5-pro'), { key });
		expect(r.status).toBe(402);
		expect(r.json).toEqual({ error: 'Insufficient credits', creditsRequired: 6, creditsAvailable: 5 });
		expect((await generate(sim, req('seedream-5-lite'), { key })).status).toBe(202);
		expect(sim.credits(key)).toBe(2);
	});

	test('creditsPerImage prices seedream-4.5 only', async () => {
		const dear = await start({ creditsPerImage: 10 });
		try {
			await generate(dear, req('seedream-4.5'));
			await generate(dear, req('seedream-5-pro'));
			expect(dear.credits(dear.apiKey)).toBe(100000 - 10 - 6);
		} finally {
			await dear.close();
		}
	});

	test('other real models are "not supported by this endpoint"; unknown ones list the family', async () => {
		for (const model of ['flux-pro', 'midjourney', 'flux-2-pro', 'seedance-1-pro']) {
			const r = await generate(sim, req(model));
			expect(r.status).toBe(400);
			expect(r.json.details).toEqual({ model: [`model "${model}" is not supported by this endpoint`] });
		}
		const unknown = await generate(sim, req('seedream-9'));
		expect(unknown.json.details).toEqual({
			model: ['unknown model "seedream-9"; expected one of seedream-5-pro, seedream-5-lite, seedream-4.5, seedream-4, seedream-3.1, seedream-3'],
		});
	});
});

describe('seedreamParams: 4.5 keeps its documented rules, the others follow the v2 schema', () => {
	// Each of these is fine by the schema but outside what Apiframe documents for 4.5.
	const schemaOnly: Array<[string, Record<string, unknown>, string[]]> = [
		['size 1K', { size: '1K' }, ['seedreamParams.size']],
		['any size text', { size: 'huge' }, ['seedreamParams.size']],
		['aspect 21:9', { aspect_ratio: '21:9' }, ['seedreamParams.aspect_ratio']],
		['match_input_image without references', { aspect_ratio: 'match_input_image' }, ['seedreamParams.aspect_ratio']],
		['custom 600×600', { size: 'custom', width: 600, height: 600 }, ['seedreamParams.width', 'seedreamParams.height']],
		['512×4096 custom', { size: 'custom', width: 512, height: 4096 }, ['seedreamParams.width']],
		['width and height without size custom', { width: 2048, height: 2048 }, ['seedreamParams.width', 'seedreamParams.height']],
		['custom without width and height', { size: 'custom' }, ['seedreamParams.width', 'seedreamParams.height']],
		['guidance 3.3', { guidance_scale: 3.3 }, ['seedreamParams.guidance_scale']],
		['seed -5', { seed: -5 }, ['seedreamParams.seed']],
		['seed 2^40', { seed: 2 ** 40 }, ['seedreamParams.seed']],
		['no references', { image_input: [] }, ['seedreamParams.image_input']],
		['an ftp reference (a URI)', { image_input: ['ftp://example.com/a.png'] }, ['seedreamParams.image_input.0']],
	];
	test.each(schemaOnly)('%s: 202 for seedream-5-pro, 400 for seedream-4.5', async (_name, params, paths) => {
		expect((await generate(sim, req('seedream-5-pro', params))).status).toBe(202);
		const r = await generate(sim, req('seedream-4.5', params));
		expect(r.status).toBe(400);
		expect(Object.keys(r.json.details).sort()).toEqual([...paths].sort());
	});

	const badForAll: Array<[string, Record<string, unknown>, Record<string, string[]>]> = [
		['a lone string reference', { image_input: 'https://example.com/a.png' }, { 'seedreamParams.image_input': ['must be an array of URIs'] }],
		['15 references', { image_input: urls(15) }, { 'seedreamParams.image_input': ['must contain at most 14 URIs'] }],
		['a reference that is no URI', { image_input: ['https://e.com/a.png', 'a.png'] }, { 'seedreamParams.image_input.1': ['must be a URI'] }],
		['width 511, height 4097', { width: 511, height: 4097 }, { 'seedreamParams.width': ['must be between 512 and 4096'], 'seedreamParams.height': ['must be between 512 and 4096'] }],
		['width 600.5', { width: 600.5 }, { 'seedreamParams.width': ['must be an integer'] }],
		['guidance 0.5 and seed 1.5', { guidance_scale: 0.5, seed: 1.5 }, { 'seedreamParams.guidance_scale': ['must be between 1 and 10'], 'seedreamParams.seed': ['must be an integer'] }],
		['guidance as text', { guidance_scale: '3' }, { 'seedreamParams.guidance_scale': ['must be a number'] }],
		['size and aspect not text', { size: 2, aspect_ratio: true }, { 'seedreamParams.size': ['must be a string'], 'seedreamParams.aspect_ratio': ['must be a string'] }],
		['webp, "yes" and a numeric resolution', { output_format: 'webp', enhance_prompt: 'yes', resolution: 2048 }, {
			'seedreamParams.output_format': ['must be one of jpg, png'],
			'seedreamParams.enhance_prompt': ['must be a boolean'],
			'seedreamParams.resolution': ['must be a string'],
		}],
		['an unknown param', { steps: 30 }, { 'seedreamParams.steps': ['unknown field'] }],
	];
	test.each(badForAll)('%s: 400 for seedream-4 with exactly these details, nothing charged', async (_name, params, details) => {
		const credits = sim.credits(sim.apiKey);
		const r = await generate(sim, req('seedream-4', params));
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ error: 'Validation failed', details });
		expect(sim.credits(sim.apiKey)).toBe(credits);
	});

	test.each(FAMILY)('%s accepts resolution and keeps it verbatim in params and input', async (model) => {
		const r = await generate(sim, req(model, { resolution: '2048x2048 (square)' }));
		expect(r.status).toBe(202);
		expect(sim.jobs().find((j) => j.id === r.json.jobId)?.params).toEqual({ resolution: '2048x2048 (square)' });
		const job = (await call(sim, 'GET', `/v2/jobs/${r.json.jobId}`)).json;
		expect(job.input).toEqual({ model, prompt: 'a heron at dawn', seedreamParams: { resolution: '2048x2048 (square)' } });
	});

	test("4.5's documented rules are unchanged (1024 minimum, steps of 0.5)", async () => {
		const r = await generate(sim, req('seedream-4.5', { size: 'custom', width: 1023, height: 2048, guidance_scale: 3.3 }));
		expect(r.json.details).toEqual({
			'seedreamParams.width': ['must be between 1024 and 4096'],
			'seedreamParams.guidance_scale': ['must be between 1 and 10 in steps of 0.5'],
		});
	});
});

describe('pixel sizes of the rest of the family (scaled by 1/32)', () => {
	const cases: Array<[string, Record<string, unknown> | undefined, number, number]> = [
		['seedream-5-pro', undefined, 2048, 2048],
		['seedream-5-lite', { size: '1K' }, 1024, 1024],
		['seedream-5-lite', { size: '1k', aspect_ratio: '16:9' }, 1024, 576],
		['seedream-4', { size: '2K', aspect_ratio: '16:9' }, 2048, 1152],
		['seedream-4', { size: '4K', aspect_ratio: '9:16' }, 2304, 4096],
		['seedream-3.1', { size: 'anything else', aspect_ratio: '3:4' }, 1536, 2048],
		['seedream-3.1', { aspect_ratio: 'cinema' }, 2048, 2048],
		['seedream-3', undefined, 1024, 1024],
		['seedream-3', { size: 'custom', width: 600, height: 512 }, 600, 512],
		['seedream-5-pro', { size: 'custom', width: 600 }, 2048, 2048],
		['seedream-5-pro', { aspect_ratio: 'match_input_image', image_input: ['https://example.com/a.png'] }, 2048, 2048],
		['seedream-4.5', { size: '2K', aspect_ratio: '16:9' }, 2560, 1440],
	];
	test.each(cases)('%s %j → %i×%i', async (model, params, w, h) => {
		const job = await runJob(sim, req(model, params));
		expect(job.status).toBe('COMPLETED');
		const file = await download(job.result.images[0]);
		expect(imageSize(file.bytes)).toEqual({ format: 'jpg', width: px(w), height: px(h) });
	});

	test('the model is part of the content: same prompt and seed, other model, other bytes', async () => {
		const a = await runJob(sim, req('seedream-5-pro', { seed: 7 }, 'same'));
		const b = await runJob(sim, req('seedream-5-lite', { seed: 7 }, 'same'));
		const again = await runJob(sim, req('seedream-5-pro', { seed: 7 }, 'same'));
		const bytes = async (job: { result: { images: string[] } }) => (await download(job.result.images[0])).bytes;
		expect((await bytes(a)).equals(await bytes(b))).toBe(false);
		expect((await bytes(a)).equals(await bytes(again))).toBe(true);
	});
});
