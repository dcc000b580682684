/**
 * seedreamParams, judged per model. The v2 OpenAPI gives every Seedream model the same loose
 * schema; only seedream-4.5 has documented rules beyond it (sizes 2K/4K/custom, 1024–4096 px,
 * five aspect ratios, guidance in steps of 0.5). So 4.5 gets its documented rules and the rest of
 * the family gets exactly the schema: a client that passes here for 5-pro may still be refused
 * for 4.5, as it would be by the real API.
 */
import { SEEDREAM_45 } from './models';
import type { SeedreamParams } from './types';
import { isHttpUrl } from './util';

export const ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9', 'match_input_image'];
export const SIZES = ['2K', '4K', 'custom'];
/** seedream-4.5: seeds as unsigned 32-bit integers, the range image models commonly use. */
export const SEED_MAX = 4294967295;
export const REFERENCES_MAX = 14;

const PARAM_KEYS = [
	'image_input',
	'output_format',
	'guidance_scale',
	'use_pre_llm',
	'enhance_prompt',
	'seed',
	'aspect_ratio',
	'size',
	'width',
	'height',
	'resolution',
];

type Add = (path: string, msg: string) => void;
type Params = Record<string, unknown>;

/** Checks `p` (the request's seedreamParams) for `model`, copying the good values into `out`. */
export function validateParams(model: string, p: Params, out: SeedreamParams, add: Add): void {
	for (const k of Object.keys(p)) if (!PARAM_KEYS.includes(k)) add(k, 'unknown field');
	sharedRules(p, out, add);
	if (model === SEEDREAM_45) documentedRules(p, out, add);
	else schemaRules(p, out, add);
}

/** What every Seedream model's schema says alike. */
function sharedRules(p: Params, out: SeedreamParams, add: Add): void {
	if (p.output_format !== undefined) {
		if (p.output_format !== 'jpg' && p.output_format !== 'png') add('output_format', 'must be one of jpg, png');
		else out.output_format = p.output_format;
	}
	for (const k of ['use_pre_llm', 'enhance_prompt'] as const) {
		if (p[k] === undefined) continue;
		if (typeof p[k] !== 'boolean') add(k, 'must be a boolean');
		else out[k] = p[k] as boolean;
	}
	// Undocumented anywhere but in the schema: kept verbatim, for every model including 4.5.
	if (p.resolution !== undefined) {
		if (typeof p.resolution !== 'string') add('resolution', 'must be a string');
		else out.resolution = p.resolution;
	}
}

/** seedream-4.5, as Apiframe documents it. */
function documentedRules(p: Params, out: SeedreamParams, add: Add): void {
	if (p.image_input !== undefined) {
		// The seed page shows a lone string; the schema an array. Both are accepted.
		const list = typeof p.image_input === 'string' ? [p.image_input] : p.image_input;
		if (!Array.isArray(list)) add('image_input', 'must be an array of URLs');
		else if (list.length < 1) add('image_input', 'must contain at least 1 URL');
		else if (list.length > REFERENCES_MAX) add('image_input', `must contain at most ${REFERENCES_MAX} URLs`);
		else {
			let good = true;
			list.forEach((u, i) => {
				if (!isHttpUrl(u)) {
					good = false;
					add(typeof p.image_input === 'string' ? 'image_input' : `image_input.${i}`, 'must be an http(s) URL');
				}
			});
			if (good) out.image_input = list as string[];
		}
	}

	if (p.guidance_scale !== undefined) {
		const g = p.guidance_scale;
		if (typeof g !== 'number' || !Number.isFinite(g)) add('guidance_scale', 'must be a number');
		else if (g < 1 || g > 10 || !Number.isInteger(g * 2)) add('guidance_scale', 'must be between 1 and 10 in steps of 0.5');
		else out.guidance_scale = g;
	}

	if (p.seed !== undefined) {
		const s = p.seed;
		if (typeof s !== 'number' || !Number.isInteger(s)) add('seed', 'must be an integer');
		else if (s < 0 || s > SEED_MAX) add('seed', `must be between 0 and ${SEED_MAX}`);
		else out.seed = s;
	}

	if (p.size !== undefined) {
		if (typeof p.size !== 'string' || !SIZES.includes(p.size)) add('size', `must be one of ${SIZES.join(', ')}`);
		else out.size = p.size;
	}

	if (p.aspect_ratio !== undefined) {
		if (typeof p.aspect_ratio !== 'string' || !ASPECT_RATIOS.includes(p.aspect_ratio)) {
			add('aspect_ratio', `must be one of ${ASPECT_RATIOS.join(', ')}`);
		} else if (p.aspect_ratio === 'match_input_image' && p.image_input === undefined) {
			add('aspect_ratio', 'match_input_image requires image_input');
		} else out.aspect_ratio = p.aspect_ratio;
	}

	const custom = p.size === 'custom';
	for (const k of ['width', 'height'] as const) {
		const v = p[k];
		if (v === undefined) {
			if (custom) add(k, 'is required when size is "custom"');
			continue;
		}
		if (typeof v !== 'number' || !Number.isInteger(v)) add(k, 'must be an integer');
		else if (v < 1024 || v > 4096) add(k, 'must be between 1024 and 4096');
		else if (!custom) add(k, 'is only allowed when size is "custom"');
		else out[k] = v;
	}
}

/** JSON Schema's `format: uri`: an absolute URI, any scheme. */
function isUri(v: unknown): v is string {
	return typeof v === 'string' && URL.canParse(v);
}

/** The rest of the family: the v2 OpenAPI's seedreamParams schema, no more and no less. */
function schemaRules(p: Params, out: SeedreamParams, add: Add): void {
	if (p.image_input !== undefined) {
		const list = p.image_input;
		if (!Array.isArray(list)) add('image_input', 'must be an array of URIs');
		else if (list.length > REFERENCES_MAX) add('image_input', `must contain at most ${REFERENCES_MAX} URIs`);
		else {
			const bad = list.map((u, i) => (isUri(u) ? -1 : i)).filter((i) => i >= 0);
			bad.forEach((i) => add(`image_input.${i}`, 'must be a URI'));
			if (!bad.length) out.image_input = list as string[];
		}
	}

	if (p.guidance_scale !== undefined) {
		const g = p.guidance_scale;
		if (typeof g !== 'number' || !Number.isFinite(g)) add('guidance_scale', 'must be a number');
		else if (g < 1 || g > 10) add('guidance_scale', 'must be between 1 and 10');
		else out.guidance_scale = g;
	}

	if (p.seed !== undefined) {
		if (typeof p.seed !== 'number' || !Number.isInteger(p.seed)) add('seed', 'must be an integer');
		else out.seed = p.seed;
	}

	for (const k of ['size', 'aspect_ratio'] as const) {
		if (p[k] === undefined) continue;
		if (typeof p[k] !== 'string') add(k, 'must be a string');
		else out[k] = p[k] as string;
	}

	// The schema ties width and height to no size: each is checked on its own.
	for (const k of ['width', 'height'] as const) {
		const v = p[k];
		if (v === undefined) continue;
		if (typeof v !== 'number' || !Number.isInteger(v)) add(k, 'must be an integer');
		else if (v < 512 || v > 4096) add(k, 'must be between 512 and 4096');
		else out[k] = v;
	}
}
