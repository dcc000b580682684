/**
 * The Seedream family the simulator runs, its prices, and GET /v2/models (the v2 OpenAPI
 * `ModelCatalog`). Prices are the simulator's own plausible picks: Apiframe publishes only 4.5's.
 */
import type { ServerResponse } from 'node:http';
import type { SimState } from './state';
import { sendJson } from './util';

export interface SeedreamModel {
	id: string;
	label: string;
	description: string;
	/** Credits per image; seedream-4.5's comes from the `creditsPerImage` option instead. */
	credits: number;
	/** Long side in px when a request names no size (4.5 uses its documented size table instead). */
	defaultPx: number;
}

/** The project's default model: the one whose documented rules (sizes, 1024 px minimum) we know. */
export const SEEDREAM_45 = 'seedream-4.5';

/** Newest first, the order the catalog lists them in. */
export const SEEDREAM_MODELS: readonly SeedreamModel[] = [
	{ id: 'seedream-5-pro', label: 'Seedream 5 Pro', description: "ByteDance's flagship Seedream: the most detailed images", credits: 6, defaultPx: 2048 },
	{ id: 'seedream-5-lite', label: 'Seedream 5 Lite', description: 'Seedream 5 at a lower price, for drafts and volume', credits: 3, defaultPx: 2048 },
	{ id: SEEDREAM_45, label: 'Seedream 4.5', description: 'Text-to-image and editing with up to 14 references, 2K and 4K', credits: 4, defaultPx: 2048 },
	{ id: 'seedream-4', label: 'Seedream 4', description: 'Unified generation and editing', credits: 3, defaultPx: 2048 },
	{ id: 'seedream-3.1', label: 'Seedream 3.1', description: 'Refresh of Seedream 3', credits: 2, defaultPx: 2048 },
	// The oldest model: a 1K default, so "size left out" is visibly per model.
	{ id: 'seedream-3', label: 'Seedream 3', description: 'The first Seedream, text-to-image', credits: 2, defaultPx: 1024 },
];

export const SEEDREAM_IDS = SEEDREAM_MODELS.map((m) => m.id);

/**
 * Models the real API knows but the simulator does not run: they get "not supported by this
 * endpoint", not "unknown". The v2 OpenAPI's other image models, some older names, and the
 * catalog's video and music entries (which a client might send here by mistake).
 */
export const OTHER_MODELS = [
	'midjourney',
	'nano-banana',
	'nano-banana-pro',
	'nano-banana-2',
	'flux-1.1-pro',
	'flux-1.1-pro-ultra',
	'flux-2-pro',
	'flux-2-dev',
	'flux-pro',
	'flux-kontext-pro',
	'ideogram-v3-quality',
	'imagen-4',
	'dall-e-3',
	'gpt-image-1',
	'gpt-image-2',
	'qwen-image',
	'seedance-1-pro',
	'suno',
];

export function seedreamModel(id: string): SeedreamModel | undefined {
	return SEEDREAM_MODELS.find((m) => m.id === id);
}

/** What a job of this model costs. */
export function creditsFor(state: SimState, model: string): number {
	if (model === SEEDREAM_45) return state.cfg.creditsPerImage;
	return seedreamModel(model)?.credits ?? state.cfg.creditsPerImage;
}

export const MODALITIES = ['image', 'video', 'music'] as const;

interface CatalogEntry {
	id: string;
	label: string;
	modality: (typeof MODALITIES)[number];
	description: string;
	costMin: number;
	costMax: number;
	pricingMode: 'flat' | 'per-second' | 'per-output';
	/** The schema allows extra fields; one is here so clients learn to ignore them. */
	provider: string;
}

/**
 * The catalog: the Seedream family among other models, so a client must pick the Seedream
 * entries itself (an image model first, a video model whose id also starts with "seed").
 */
export function catalog(state: SimState): CatalogEntry[] {
	return [
		{ id: 'flux-2-pro', label: 'FLUX.2 Pro', modality: 'image', description: "Black Forest Labs' FLUX.2", costMin: 5, costMax: 5, pricingMode: 'per-output', provider: 'bfl' },
		...SEEDREAM_MODELS.map((m): CatalogEntry => {
			const cost = creditsFor(state, m.id);
			return { id: m.id, label: m.label, modality: 'image', description: m.description, costMin: cost, costMax: cost, pricingMode: 'per-output', provider: 'bytedance' };
		}),
		{ id: 'midjourney', label: 'Midjourney', modality: 'image', description: 'Midjourney v7, four images per job', costMin: 8, costMax: 16, pricingMode: 'per-output', provider: 'midjourney' },
		{ id: 'seedance-1-pro', label: 'Seedance 1 Pro', modality: 'video', description: "ByteDance's video model", costMin: 20, costMax: 120, pricingMode: 'per-second', provider: 'bytedance' },
		{ id: 'suno', label: 'Suno', modality: 'music', description: 'Songs with vocals', costMin: 10, costMax: 10, pricingMode: 'flat', provider: 'suno' },
	];
}

/** GET /v2/models: public (no key), `?modality=` filters, another modality is a 400. */
export function handleModels(state: SimState, query: URLSearchParams, res: ServerResponse): void {
	// modelsCatalog: false stands for a catalog that is down, so clients' fallbacks can be tried.
	if (!state.cfg.modelsCatalog) return sendJson(res, 503, { error: 'Service temporarily unavailable' });
	const modality = query.get('modality');
	if (modality !== null && !(MODALITIES as readonly string[]).includes(modality)) {
		return sendJson(res, 400, { error: 'Validation failed', details: { modality: [`must be one of ${MODALITIES.join(', ')}`] } });
	}
	const models = catalog(state).filter((m) => modality === null || m.modality === modality);
	sendJson(res, 200, { models });
}
