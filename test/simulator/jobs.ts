/**
 * Job lifecycle: QUEUED -> PROCESSING -> COMPLETED | FAILED, driven by timers (webhooks need
 * them) while progress and expiry are computed from timestamps when read.
 */
import { randomUUID } from 'node:crypto';
import { contentHash, outputDims, readImageDims, scaleDims } from './images';
import type { JobRecord, SimState } from './state';
import type { PublicJob, SimJob } from './types';
import { maskKey, sha256 } from './util';
import type { GenerateRequest } from './validation';
import { sendWebhook, settleWebhookStatus } from './webhooks';

export const POLICY_ERROR = "Content policy violation: the prompt was flagged by the provider's safety filter";
/** [[fail]] jobs fail after this share of their duration, like a late safety check. */
const FAIL_AT = 0.3;
const PROGRESS_WEBHOOKS_AT = [25, 50, 75];

export function createJob(state: SimState, apiKey: string, req: GenerateRequest, body: unknown, idempotencyKey: string | null): JobRecord {
	const id = randomUUID();
	const p = req.params;
	const hash = sha256(id);
	// Without a seed each job gets its own, like the provider's random seed.
	const seed = p.seed ?? hash.readUInt32BE(0);
	const [width, height] = scaleDims(outputDims(p, (u) => referenceDims(state, u)), state.cfg.imageScale);
	const format = p.output_format ?? 'jpg';
	const cost = state.cfg.creditsPerImage;
	const key = state.keys.get(apiKey);
	if (key) key.credits -= cost;
	const job: JobRecord = {
		id,
		apiKey,
		apiKeyMasked: maskKey(apiKey),
		seq: ++state.seq,
		model: req.model,
		prompt: req.prompt,
		body,
		params: p,
		seed,
		width,
		height,
		format,
		status: 'QUEUED',
		progress: null,
		error: null,
		chargedCredits: cost,
		refunded: false,
		creditCost: cost,
		idempotencyKey,
		createdAt: new Date().toISOString(),
		startedAt: null,
		completedAt: null,
		startedAtMs: null,
		completedAtMs: null,
		durationMs: null,
		expired: false,
		result: null,
		webhookUrl: req.webhookUrl,
		webhookEvents: req.webhookEvents,
		webhookStatus: req.webhookUrl ? 'pending' : null,
		deliveries: [],
		markers: {
			fail: req.prompt.includes('[[fail]]'),
			slow: req.prompt.includes('[[slow]]'),
			stuck: req.prompt.includes('[[stuck]]'),
		},
		webhookChain: Promise.resolve(),
		webhookHadFailure: false,
	};
	state.jobs.set(id, job);
	const q = state.queues.get(apiKey) ?? [];
	q.push(id);
	state.queues.set(apiKey, q);
	// Picked up on the next tick, so the 202 truthfully says QUEUED.
	state.timers.after(0, () => pump(state, apiKey));
	return job;
}

function running(state: SimState, apiKey: string): number {
	let n = 0;
	for (const j of state.jobs.values()) if (j.apiKey === apiKey && j.status === 'PROCESSING') n++;
	return n;
}

/** Starts queued jobs of a key while it has free slots. */
function pump(state: SimState, apiKey: string): void {
	const q = state.queues.get(apiKey);
	while (q?.length && running(state, apiKey) < state.cfg.maxConcurrentJobs) {
		const job = state.jobs.get(q.shift() as string);
		if (job) start(state, job);
	}
}

/** Simulated duration: latency +/- spread, spread drawn deterministically from the job id. */
function durationFor(state: SimState, job: JobRecord): number {
	const u = sha256(`${job.id}:latency`).readUInt32BE(0) / 0xffffffff;
	const sim = Math.max(0, state.cfg.latencyMs + (u * 2 - 1) * state.cfg.latencySpreadMs);
	return state.scaled(sim) * (job.markers.slow ? 4 : 1);
}

function start(state: SimState, job: JobRecord): void {
	const now = Date.now();
	job.status = 'PROCESSING';
	job.startedAtMs = now;
	job.startedAt = new Date(now).toISOString();
	const duration = durationFor(state, job);
	job.durationMs = job.markers.stuck ? null : duration;
	const endAt = job.markers.fail ? duration * FAIL_AT : duration;
	for (const pct of PROGRESS_WEBHOOKS_AT) {
		const at = (duration * pct) / 100;
		if (at < endAt || job.markers.stuck) state.timers.after(at, () => sendWebhook(state, job, 'progress', pct));
	}
	if (job.markers.stuck) return;
	state.timers.after(endAt, () => finish(state, job, job.markers.fail ? 'FAILED' : 'COMPLETED'));
}

function finish(state: SimState, job: JobRecord, status: 'COMPLETED' | 'FAILED'): void {
	job.progress = currentProgress(job);
	job.status = status;
	job.completedAtMs = Date.now();
	job.completedAt = new Date(job.completedAtMs).toISOString();
	if (status === 'COMPLETED') {
		job.progress = 100;
		job.result = { images: [`${state.baseUrl}/files/${job.id}-1.${job.format}`] };
		sendWebhook(state, job, 'completed');
	} else {
		job.error = POLICY_ERROR;
		// A provider-side failure costs nothing: the charge goes back.
		const key = state.keys.get(job.apiKey);
		if (key) key.credits += job.chargedCredits;
		job.refunded = true;
		job.creditCost = 0;
		sendWebhook(state, job, 'failed');
	}
	settleWebhookStatus(state, job);
	pump(state, job.apiKey);
}

function currentProgress(job: JobRecord): number | null {
	if (job.status === 'QUEUED') return null;
	if (job.status !== 'PROCESSING') return job.progress;
	const elapsed = Date.now() - (job.startedAtMs as number);
	const total = job.durationMs ?? 1;
	// Steps of 5, never 100 before the job is really done.
	return Math.min(99, Math.floor((elapsed / Math.max(1, total)) * 20) * 5);
}

export function isExpired(state: SimState, job: JobRecord): boolean {
	return job.completedAtMs !== null && Date.now() >= job.completedAtMs + state.scaled(state.cfg.retentionMs);
}

/** Brings lazily computed fields up to date. */
function refresh(state: SimState, job: JobRecord): void {
	job.progress = currentProgress(job);
	job.expired = isExpired(state, job);
}

export function publicJob(state: SimState, job: JobRecord): PublicJob {
	refresh(state, job);
	return {
		id: job.id,
		status: job.status,
		model: job.model,
		progress: job.progress,
		error: job.error,
		creditCost: job.creditCost,
		result: job.result,
		webhookStatus: job.webhookStatus,
		createdAt: job.createdAt,
		completedAt: job.completedAt,
		expired: job.expired,
	};
}

/** Admin view: a copy without the full API key or internal plumbing. */
export function adminJob(state: SimState, job: JobRecord): SimJob {
	refresh(state, job);
	const { apiKey: _k, seq: _s, startedAtMs: _a, completedAtMs: _b, markers: _m, webhookChain: _c, webhookHadFailure: _h, ...rest } = job;
	return { ...rest, deliveries: [...job.deliveries] };
}

/** Jobs of one key, newest first. The cursor is the seq of the last job of the previous page. */
export function listJobs(
	state: SimState,
	apiKey: string,
	f: { status?: string; model?: string; limit: number; cursor?: number },
): { jobs: PublicJob[]; nextCursor: string | null; hasMore: boolean } {
	const all = [...state.jobs.values()]
		.filter((j) => j.apiKey === apiKey)
		.filter((j) => f.cursor === undefined || j.seq < f.cursor)
		.filter((j) => !f.status || j.status === f.status)
		.filter((j) => !f.model || j.model === f.model)
		.sort((a, b) => b.seq - a.seq);
	const page = all.slice(0, f.limit);
	const hasMore = all.length > page.length;
	const last = page[page.length - 1];
	return {
		jobs: page.map((j) => publicJob(state, j)),
		nextCursor: hasMore && last ? encodeCursor(last.seq) : null,
		hasMore,
	};
}

export function encodeCursor(seq: number): string {
	return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(c: string): number | null {
	const m = /^seq:(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
	return m ? Number(m[1]) : null;
}

/** Hash that decides a job's pixels. */
export function jobContentHash(job: JobRecord): Buffer {
	return contentHash(job.model, job.prompt, job.seed, job.params);
}

/** Full-size pixel dims of a URL served by this simulator (uploads, job files), for match_input_image. */
function referenceDims(state: SimState, url: string): [number, number] | null {
	if (!state.baseUrl || !url.startsWith(`${state.baseUrl}/`)) return null;
	const path = url.slice(state.baseUrl.length);
	const up = /^\/uploads\/([^./]+)\.\w+$/.exec(path);
	if (up) {
		const rec = state.uploads.get(up[1]);
		if (rec?.width && rec.height) return [rec.width, rec.height];
		return rec ? readImageDims(rec.bytes) : null;
	}
	const file = /^\/files\/([0-9a-f-]{36})-\d+\.\w+$/.exec(path);
	const job = file ? state.jobs.get(file[1]) : undefined;
	// Job files are already scaled; undo that so the new job is scaled once.
	return job ? [Math.round(job.width / state.cfg.imageScale), Math.round(job.height / state.cfg.imageScale)] : null;
}
