/** The /v2 API surface: auth, rate limit, and the endpoints of the contract. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleJobList } from './jobList';
import { createJob, publicJob } from './jobs';
import { creditsFor, handleModels } from './models';
import type { KeyRecord, SimState } from './state';
import { handleUpload } from './uploads';
import { canonicalJson, isUuid, retryAfterValue, sendJson } from './util';
import { validateGenerate } from './validation';

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface ApiRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	req: IncomingMessage;
	body: Buffer;
}

export function handleApi(state: SimState, r: ApiRequest, res: ServerResponse): void {
	if (r.method === 'GET' && r.path === '/v2/models') return handleModels(state, r.query, res);
	const key = authenticate(state, r.req, res);
	if (!key || !withinRateLimit(state, key, res)) return;

	if (r.path === '/v2/images/generate') {
		if (r.method !== 'POST') return notAllowed(res, 'POST');
		return generate(state, key, r, res);
	}
	if (r.path === '/v2/jobs') {
		if (r.method !== 'GET') return notAllowed(res, 'GET');
		return handleJobList(state, key, r.query, res);
	}
	const jobPath = /^\/v2\/jobs\/([^/]+)$/.exec(r.path);
	if (jobPath) {
		if (r.method !== 'GET') return notAllowed(res, 'GET');
		const id = decodeURIComponent(jobPath[1]);
		if (!isUuid(id)) return sendJson(res, 400, { error: 'Validation failed', details: { id: ['must be a UUID'] } });
		const job = state.jobs.get(id.toLowerCase());
		// Another account's job is indistinguishable from a missing one.
		if (!job || job.apiKey !== key.key) return sendJson(res, 404, { error: 'Job not found' });
		return sendJson(res, 200, publicJob(state, job));
	}
	if (r.path === '/v2/me') {
		if (r.method !== 'GET') return notAllowed(res, 'GET');
		return sendJson(res, 200, me(state, key));
	}
	if (r.path === '/v2/uploads') {
		if (r.method !== 'POST') return notAllowed(res, 'POST');
		return handleUpload(state, key.key, String(r.req.headers['content-type'] ?? ''), r.body, res);
	}
	sendJson(res, 404, { error: 'Not found' });
}

function notAllowed(res: ServerResponse, allow: string): void {
	sendJson(res, 405, { error: 'Method not allowed' }, { Allow: allow });
}

function authenticate(state: SimState, req: IncomingMessage, res: ServerResponse): KeyRecord | null {
	const raw = req.headers['x-api-key'];
	const given = Array.isArray(raw) ? raw[0] : raw;
	if (!given) {
		sendJson(res, 401, { error: 'API key is required' });
		return null;
	}
	const key = state.keys.get(given);
	if (!key) {
		sendJson(res, 401, { error: 'Invalid API key' });
		return null;
	}
	if (!key.active) {
		sendJson(res, 403, { error: 'API key is inactive' });
		return null;
	}
	return key;
}

/** Fixed window of 60 s (scaled) per key. */
function withinRateLimit(state: SimState, key: KeyRecord, res: ServerResponse): boolean {
	const limit = state.cfg.rateLimitPerMinute;
	if (!limit) return true;
	const windowMs = state.scaled(60000);
	const now = Date.now();
	let w = state.rate.get(key.key);
	if (!w || now - w.windowStart >= windowMs) {
		w = { windowStart: now, count: 0 };
		state.rate.set(key.key, w);
	}
	if (w.count >= limit) {
		const wait = w.windowStart + windowMs - now;
		sendJson(res, 429, { error: 'Rate limit exceeded', limit, windowSeconds: windowMs / 1000 }, { 'Retry-After': retryAfterValue(wait) });
		return false;
	}
	w.count++;
	return true;
}

function generate(state: SimState, key: KeyRecord, r: ApiRequest, res: ServerResponse): void {
	let body: unknown;
	try {
		body = JSON.parse(r.body.toString('utf8'));
	} catch {
		return sendJson(res, 400, { error: 'Invalid JSON body' });
	}
	const idemRaw = r.req.headers['idempotency-key'];
	const idem = (Array.isArray(idemRaw) ? idemRaw[0] : idemRaw) ?? null;
	if (idem !== null && (idem.length === 0 || idem.length > 255)) {
		return sendJson(res, 400, {
			error: 'Validation failed',
			details: { 'headers.idempotency-key': ['must be 1 to 255 characters'] },
		});
	}
	const v = validateGenerate(body);
	if (!v.ok) return sendJson(res, 400, { error: 'Validation failed', details: v.details });

	const canonical = canonicalJson(body);
	if (idem !== null) {
		const seen = state.idempotency.get(key.key)?.get(idem);
		if (seen && Date.now() - seen.at < state.scaled(IDEMPOTENCY_TTL_MS)) {
			if (seen.canonical !== canonical) {
				return sendJson(res, 409, { error: 'Idempotency-Key was already used with a different request body' });
			}
			const job = state.jobs.get(seen.jobId);
			if (job) return sendJson(res, 202, { jobId: job.id, status: publicJob(state, job).status }, { 'Idempotent-Replayed': 'true' });
		}
	}

	const cost = creditsFor(state, v.value.model);
	if (key.credits < cost) {
		return sendJson(res, 402, { error: 'Insufficient credits', creditsRequired: cost, creditsAvailable: key.credits });
	}
	const job = createJob(state, key.key, v.value, body, idem);
	if (idem !== null) {
		const m = state.idempotency.get(key.key) ?? new Map();
		m.set(idem, { jobId: job.id, canonical, at: Date.now() });
		state.idempotency.set(key.key, m);
	}
	sendJson(res, 202, { jobId: job.id, status: job.status });
}

/**
 * The v2 OpenAPI `Me` schema: team = {id, name, credits, plan, customerId}. It does not tell
 * how many jobs may run at once, so by default neither do we (the cap still applies);
 * reportConcurrencyLimit brings back the field an older /v2/me once showed.
 */
function me(state: SimState, key: KeyRecord): unknown {
	const cap = state.cfg.maxConcurrentJobs;
	const team: Record<string, unknown> = {
		id: key.teamId,
		name: key.teamName,
		credits: key.credits,
		plan: key.plan,
		customerId: key.customerId,
	};
	if (state.cfg.reportConcurrencyLimit) team.maxConcurrentJobs = Number.isFinite(cap) ? cap : null;
	return {
		user: { id: `user_${key.id}`, email: key.email, role: key.role },
		team,
		apiKey: { id: key.id, name: 'Simulator key', prefix: key.key.slice(0, 8) },
	};
}
