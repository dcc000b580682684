/**
 * Strict validation of POST /v2/images/generate, as the contract describes the backend's schema:
 * unknown keys are errors, and every bad path is reported at once. seedreamParams' rules depend on
 * the model (seedreamParams.ts).
 */
import { OTHER_MODELS, SEEDREAM_IDS } from './models';
import { validateParams } from './seedreamParams';
import type { SeedreamParams, WebhookEvent } from './types';
import { isHttpUrl } from './util';

export const WEBHOOK_EVENTS: WebhookEvent[] = ['progress', 'completed', 'failed'];

const TOP_KEYS = ['model', 'prompt', 'seedreamParams', 'webhookUrl', 'webhookEvents'];

export interface GenerateRequest {
	model: string;
	prompt: string;
	params: SeedreamParams;
	webhookUrl: string | null;
	webhookEvents: WebhookEvent[];
}

export type Details = Record<string, string[]>;

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
	else if (!SEEDREAM_IDS.includes(model)) add('model', `unknown model "${model}"; expected one of ${SEEDREAM_IDS.join(', ')}`);

	const prompt = body.prompt;
	if (prompt === undefined) add('prompt', 'is required');
	else if (typeof prompt !== 'string') add('prompt', 'must be a string');
	else if (prompt.trim().length === 0) add('prompt', 'must not be empty');
	else if (prompt.length > 2000) add('prompt', 'must be at most 2000 characters');

	const params: SeedreamParams = {};
	if (body.seedreamParams !== undefined) {
		if (!isPlainObject(body.seedreamParams)) add('seedreamParams', 'must be an object');
		// An unknown model is already reported; its params are judged by the schema's rules.
		else validateParams(typeof model === 'string' ? model : '', body.seedreamParams, params, (p, m) => add(`seedreamParams.${p}`, m));
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

