/**
 * Strict validation of POST /v2/images/generate, as the contract describes the backend's schema:
 * unknown keys are errors, and every bad path is reported at once.
 */
import type { SeedreamParams, WebhookEvent } from './types';

export const SUPPORTED_MODEL = 'seedream-4.5';
/** Models the real API knows but the simulator does not run: they get "not supported", not "unknown". */
export const OTHER_MODELS = ['seedream-4', 'midjourney', 'flux-pro', 'flux-kontext-pro', 'nano-banana', 'gpt-image-1'];
export const ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9', 'match_input_image'];
export const SIZES = ['2K', '4K', 'custom'];
export const WEBHOOK_EVENTS: WebhookEvent[] = ['progress', 'completed', 'failed'];
/** We accept seeds as unsigned 32-bit integers, the range image models commonly use. */
export const SEED_MAX = 4294967295;

const TOP_KEYS = ['model', 'prompt', 'seedreamParams', 'webhookUrl', 'webhookEvents'];
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
];

export interface GenerateRequest {
	model: string;
	prompt: string;
	params: SeedreamParams;
	webhookUrl: string | null;
	webhookEvents: WebhookEvent[];
}

export type Details = Record<string, string[]>;

export function isHttpUrl(v: unknown): v is string {
	if (typeof v !== 'string' || v.length > 2048) return false;
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function validateGenerate(body: unknown): { ok: true; value: GenerateRequest } | { ok: false; details: Details } {
	const details: Details = {};
	const add = (path: string, msg: string) => (details[path] ??= []).push(msg);

	if (!isPlainObject(body)) {
		add('body', 'must be a JSON object');
		return { ok: false, details };
	}
	for (const k of Object.keys(body)) if (!TOP_KEYS.includes(k)) add(k, 'unknown field');

	const model = body.model;
	if (model === undefined) add('model', 'is required');
	else if (typeof model !== 'string') add('model', 'must be a string');
	else if (OTHER_MODELS.includes(model)) add('model', `model "${model}" is not supported by this endpoint`);
	else if (model !== SUPPORTED_MODEL) add('model', `unknown model "${model}"; expected "${SUPPORTED_MODEL}"`);

	const prompt = body.prompt;
	if (prompt === undefined) add('prompt', 'is required');
	else if (typeof prompt !== 'string') add('prompt', 'must be a string');
	else if (prompt.trim().length === 0) add('prompt', 'must not be empty');
	else if (prompt.length > 2000) add('prompt', 'must be at most 2000 characters');

	const params: SeedreamParams = {};
	if (body.seedreamParams !== undefined) {
		if (!isPlainObject(body.seedreamParams)) add('seedreamParams', 'must be an object');
		else validateParams(body.seedreamParams, params, (p, m) => add(`seedreamParams.${p}`, m));
	}

	let webhookUrl: string | null = null;
	if (body.webhookUrl !== undefined) {
		if (!isHttpUrl(body.webhookUrl)) add('webhookUrl', 'must be an http(s) URL');
		else webhookUrl = body.webhookUrl;
	}

	let webhookEvents: WebhookEvent[] = ['completed', 'failed'];
	if (body.webhookEvents !== undefined) {
		const ev = body.webhookEvents;
		if (!Array.isArray(ev)) add('webhookEvents', 'must be an array');
		else if (ev.length === 0) add('webhookEvents', 'must not be empty');
		else {
			ev.forEach((e, i) => {
				if (!WEBHOOK_EVENTS.includes(e as WebhookEvent)) add(`webhookEvents.${i}`, `must be one of ${WEBHOOK_EVENTS.join(', ')}`);
			});
			webhookEvents = [...new Set(ev as WebhookEvent[])];
		}
	}

	if (Object.keys(details).length) return { ok: false, details };
	return {
		ok: true,
		value: { model: model as string, prompt: prompt as string, params, webhookUrl, webhookEvents },
	};
}

function validateParams(p: Record<string, unknown>, out: SeedreamParams, add: (path: string, msg: string) => void): void {
	for (const k of Object.keys(p)) if (!PARAM_KEYS.includes(k)) add(k, 'unknown field');

	if (p.image_input !== undefined) {
		// The seed page shows a lone string; the schema an array. Both are accepted.
		const list = typeof p.image_input === 'string' ? [p.image_input] : p.image_input;
		if (!Array.isArray(list)) add('image_input', 'must be an array of URLs');
		else if (list.length < 1) add('image_input', 'must contain at least 1 URL');
		else if (list.length > 14) add('image_input', 'must contain at most 14 URLs');
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

	if (p.output_format !== undefined) {
		if (p.output_format !== 'jpg' && p.output_format !== 'png') add('output_format', 'must be one of jpg, png');
		else out.output_format = p.output_format;
	}

	if (p.guidance_scale !== undefined) {
		const g = p.guidance_scale;
		if (typeof g !== 'number' || !Number.isFinite(g)) add('guidance_scale', 'must be a number');
		else if (g < 1 || g > 10 || !Number.isInteger(g * 2)) add('guidance_scale', 'must be between 1 and 10 in steps of 0.5');
		else out.guidance_scale = g;
	}

	for (const k of ['use_pre_llm', 'enhance_prompt'] as const) {
		if (p[k] === undefined) continue;
		if (typeof p[k] !== 'boolean') add(k, 'must be a boolean');
		else out[k] = p[k] as boolean;
	}

	if (p.seed !== undefined) {
		const s = p.seed;
		if (typeof s !== 'number' || !Number.isInteger(s)) add('seed', 'must be an integer');
		else if (s < 0 || s > SEED_MAX) add('seed', `must be between 0 and ${SEED_MAX}`);
		else out.seed = s;
	}

	if (p.size !== undefined) {
		if (typeof p.size !== 'string' || !SIZES.includes(p.size)) add('size', `must be one of ${SIZES.join(', ')}`);
		else out.size = p.size as SeedreamParams['size'];
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
