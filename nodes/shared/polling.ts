import type { ApiContext } from './api';
import { apiframeRequest, cancelSignalOf } from './api';
import { POLL_GROWTH_FACTOR, POLL_MAX_MS, POLL_START_MS } from './constants';
import type { ParsedJob } from './job';
import { isTerminal, parseJob } from './job';
import { pause } from './retry';
import { scaledMs } from './timing';

export class JobWaitTimeoutError extends Error {
	constructor(readonly job: ParsedJob, readonly waitedMs: number) {
		super(`Job ${job.jobId} was still ${job.status} after ${Math.round(waitedMs / 1000)} s`);
		this.name = 'JobWaitTimeoutError';
	}
}

/**
 * How long to wait before the next look at a job. Backoff from POLL_START_MS to POLL_MAX_MS; while
 * the job reports progress, aim at its estimated end instead, so a 15 s job costs a few polls.
 */
export function nextPollDelayMs(pollNumber: number, job: ParsedJob, processingForMs: number | undefined): number {
	const start = scaledMs(POLL_START_MS);
	const max = scaledMs(POLL_MAX_MS);
	const backoff = Math.min(max, start * POLL_GROWTH_FACTOR ** Math.max(0, pollNumber - 1));
	const progress = job.progress;
	if (job.status !== 'PROCESSING' || progress === undefined || progress <= 0 || processingForMs === undefined) {
		return backoff;
	}
	const remainingMs = (processingForMs * (100 - Math.min(progress, 99))) / progress;
	return Math.round(Math.min(max, Math.max(start / 2, remainingMs * 1.05)));
}

export function getJob(ctx: ApiContext, jobId: string): Promise<unknown> {
	return apiframeRequest(ctx, { method: 'GET', path: `/v2/jobs/${encodeURIComponent(jobId)}`, idempotent: true });
}

/** Polls until the job is COMPLETED, FAILED or CANCELLED, the timeout passes, or the user cancels. */
export async function waitForJob(ctx: ApiContext, jobId: string, timeoutMs: number, known?: ParsedJob): Promise<ParsedJob> {
	const signal = cancelSignalOf(ctx);
	const startedMs = Date.now();
	let job: ParsedJob = known ?? { jobId, status: 'QUEUED', imageUrls: [], expired: false };
	let processingSinceMs: number | undefined;
	let lastSeenWaitingMs = startedMs;
	for (let pollNumber = 1; !isTerminal(job.status); pollNumber++) {
		const elapsedMs = Date.now() - startedMs;
		if (elapsedMs >= timeoutMs) throw new JobWaitTimeoutError(job, elapsedMs);
		const processingForMs = processingSinceMs === undefined ? undefined : Date.now() - processingSinceMs;
		const delayMs = Math.min(nextPollDelayMs(pollNumber, job, processingForMs), timeoutMs - elapsedMs);
		await pause(delayMs, signal);
		job = parseJob(await getJob(ctx, jobId));
		if (!job.jobId) job.jobId = jobId;
		// Assume the job started right after we last saw it waiting (our own clock): jobs are
		// submitted when a slot is free, and an early guess only makes the next look later.
		const nowMs = Date.now();
		if (job.status === 'PROCESSING' && processingSinceMs === undefined) processingSinceMs = lastSeenWaitingMs;
		else if (job.status === 'QUEUED') lastSeenWaitingMs = nowMs;
	}
	return job;
}
