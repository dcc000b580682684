/**
 * Job lifecycle: QUEUED -> (takes a running-job slot) -> PROCESSING -> COMPLETED | FAILED.
 * Timers drive what must happen on time (slots, endings, webhooks); status and progress
 * between those are computed from timestamps and the job's progress curve when read.
 */
import { randomUUID } from 'node:crypto';
import { contentHash, outputDims, readImageDims, scaleDims } from './images';
import { jobRandom, sampleLatency } from './latency';
import { creditsFor } from './models';
import { curveMarker, curveView, progressWebhooks, queuedShare } from './progress';
import type { JobRecord, SimState } from './state';
import type { PublicJob, SimJob } from './types';
import { maskKey, sha256 } from './util';
import type { GenerateRequest } from './validation';
import { sendWebhook, settleWebhookStatus } from './webhooks';

export const POLICY_ERROR = "Content policy violation: the prompt was flagged by the provider's safety filter";
/** [[fail]] jobs fail after this share of their duration, like a late safety check. */
const FAIL_AT = 0.3;

export function createJob(state: SimState, apiKey: string, req: GenerateRequest, body: unknown, idempotencyKey: string | null): JobRecord {
	const id = randomUUID();
	const p = req.params;
	const hash = sha256(id);
	// Without a seed each job gets its own, like the provider's random seed.
	const seed = p.seed ?? hash.readUInt32BE(0);
	const [width, height] = scaleDims(outputDims(req.model, p, (u) => referenceDims(state, u)), state.cfg.imageScale);
	const format = p.output_format ?? 'jpg';
	const cost = creditsFor(state, req.model);
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
		processingAt: null,
		completedAt: null,
		startedAtMs: null,
		completedAtMs: null,
		plannedMs: 0,
		durationMs: null,
		progressCurve: curveMarker(req.prompt) ?? key?.progressCurve ?? state.cfg.progressCurve,
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

/** Jobs of a key that hold a slot: from taking it to their end, whatever they show meanwhile. */
function running(state: SimState, apiKey: string): number {
	let n = 0;
	for (const j of state.jobs.values()) if (j.apiKey === apiKey && holdsSlot(j)) n++;
	return n;
}

function holdsSlot(job: JobRecord): boolean {
	return job.startedAtMs !== null && job.completedAtMs === null;
}

/** Starts queued jobs of a key while it has free slots. */
function pump(state: SimState, apiKey: string): void {
	const q = state.queues.get(apiKey);
	while (q?.length && running(state, apiKey) < state.cfg.maxConcurrentJobs) {
		const job = state.jobs.get(q.shift() as string);
		if (job) start(state, job);
	}
}

/** Real ms of a job's duration, drawn from the configured distribution. */
function durationFor(state: SimState, job: JobRecord): number {
	const { latencyDistribution: distribution, latencyMs: meanMs, latencySpreadMs: spreadMs, randomSeed } = state.cfg;
	const sim = sampleLatency({ distribution, meanMs, spreadMs }, jobRandom(randomSeed, job.seq, job.id));
	return state.scaled(sim) * (job.markers.slow ? 4 : 1);
}

/** The job takes its slot: its duration starts now, whatever its curve shows first. */
function start(state: SimState, job: JobRecord): void {
	const now = Date.now();
	job.startedAtMs = now;
	job.startedAt = new Date(now).toISOString();
	const duration = durationFor(state, job);
	job.plannedMs = duration;
	job.durationMs = job.markers.stuck ? null : duration;
	refresh(state, job);
	const endAt = job.markers.fail ? duration * FAIL_AT : duration;
	for (const w of progressWebhooks(job.progressCurve)) {
		const at = duration * w.frac;
		if (at < endAt || job.markers.stuck) state.timers.after(at, () => sendWebhook(state, job, 'progress', w.progress));
	}
	if (job.markers.stuck) return;
	state.timers.after(endAt, () => finish(state, job, job.markers.fail ? 'FAILED' : 'COMPLETED'));
}

function finish(state: SimState, job: JobRecord, status: 'COMPLETED' | 'FAILED'): void {
	// What the curve showed at the planned moment of the end, not at whenever the timer fired.
	job.progress = curveView(job.progressCurve, status === 'FAILED' ? FAIL_AT : 1).progress;
	markProcessing(job);
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

/** processingAt is the planned moment the curve left QUEUED, so the log does not depend on who polled when. */
function markProcessing(job: JobRecord): void {
	if (job.processingAt !== null || job.startedAtMs === null) return;
	job.processingAt = new Date(job.startedAtMs + Math.round(job.plannedMs * queuedShare(job.progressCurve))).toISOString();
}

export function isExpired(state: SimState, job: JobRecord): boolean {
	return job.completedAtMs !== null && Date.now() >= job.completedAtMs + state.scaled(state.cfg.retentionMs);
}

/** Brings lazily computed fields up to date: a running job's status and progress follow its curve. */
export function refresh(state: SimState, job: JobRecord): void {
	if (holdsSlot(job)) {
		const elapsed = Date.now() - (job.startedAtMs as number);
		// A zero-length job (latency 0) is at its end at once.
		const view = curveView(job.progressCurve, job.plannedMs > 0 ? elapsed / job.plannedMs : 1);
		job.status = view.status;
		job.progress = view.progress;
		if (view.status === 'PROCESSING') markProcessing(job);
	}
	job.expired = isExpired(state, job);
}

export function publicJob(state: SimState, job: JobRecord): PublicJob {
	refresh(state, job);
	return {
		id: job.id,
		status: job.status,
		model: job.model,
		// The request as it came: a client can tell from a job alone what it asked for.
		input: isObject(job.body) ? job.body : null,
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

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Admin view: a copy without the full API key or internal plumbing. */
export function adminJob(state: SimState, job: JobRecord): SimJob {
	refresh(state, job);
	const { apiKey: _k, seq: _s, startedAtMs: _a, completedAtMs: _b, plannedMs: _p, markers: _m, webhookChain: _c, webhookHadFailure: _h, ...rest } = job;
	return { ...rest, deliveries: [...job.deliveries] };
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
