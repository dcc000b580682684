import type { ApiContext } from './api';
import { apiframeRequest, cancelSignalOf } from './api';
import { ACCOUNT_RUNNING_PAGE } from './constants';
import type { ConcurrencyWindow, JobLease } from './concurrency';
import type { ParsedJob } from './job';
import { isTerminal, parseJob } from './job';
import { apiDurationMs, durationQuantileMs, isWarm, recordDuration } from './jobDurations';
import { inStartPhase, nextPollAtMs } from './pollSchedule';
import { pause, throwIfCancelled } from './retry';

export class JobWaitTimeoutError extends Error {
	constructor(readonly job: ParsedJob, readonly waitedMs: number) {
		super(`Job ${job.jobId} was still ${job.status} after ${Math.round(waitedMs / 1000)} s`);
		this.name = 'JobWaitTimeoutError';
	}
}

export function getJob(ctx: ApiContext, jobId: string): Promise<unknown> {
	return apiframeRequest(ctx, { method: 'GET', path: `/v2/jobs/${encodeURIComponent(jobId)}`, idempotent: true });
}

/** The account's jobs in one status now (the first page: enough to count them, or to tell whether others run); undefined when unreadable. */
async function accountJobIds(ctx: ApiContext, status: 'PROCESSING' | 'QUEUED'): Promise<string[] | undefined> {
	const ids = await apiframeRequest<{ jobs?: Array<{ id?: unknown }> }>(ctx, { method: 'GET', path: '/v2/jobs', qs: { status, limit: ACCOUNT_RUNNING_PAGE }, idempotent: true }).then(
		(page) => (page?.jobs ?? []).map((job) => String(job.id)),
		() => undefined,
	);
	throwIfCancelled(cancelSignalOf(ctx));
	return ids;
}

/** Waits for the next look; the window ends the wait early when a look at the account saw the job start or end. */
async function pauseUnlessWoken(ms: number, signal: AbortSignal | undefined, lease: JobLease | undefined): Promise<void> {
	if (!lease) return await pause(ms, signal);
	const woken = new AbortController();
	lease.wake = () => woken.abort();
	try {
		await pause(ms, signal ? AbortSignal.any([signal, woken.signal]) : woken.signal).catch((error: unknown) => {
			if (!woken.signal.aborted) throw error;
		});
	} finally {
		lease.wake = undefined;
	}
	throwIfCancelled(signal);
}

export interface WaitOptions {
	timeoutMs: number;
	/** Where the job's durations are learned (account, model, size). */
	durationKey: string;
	/** The job's place in the account's running-job window, when this node submitted it. */
	lease?: JobLease;
	window?: ConcurrencyWindow;
}

/** Polls until the job is COMPLETED, FAILED or CANCELLED, the timeout passes, or the user cancels. */
export async function waitForJob(ctx: ApiContext, jobId: string, known: ParsedJob, options: WaitOptions): Promise<ParsedJob> {
	const signal = cancelSignalOf(ctx);
	const { lease, window, timeoutMs } = options;
	const sinceMs = Date.now();
	let job = known;
	let runningPolls = 0;
	let lastPollAtMs: number | undefined;
	while (!isTerminal(job.status)) {
		const nowMs = Date.now();
		const pollAtMs = nextPollAtMs({
			nowMs,
			job,
			sinceMs,
			runningPolls,
			lastPollAtMs,
			warm: isWarm(options.durationKey),
			lease,
			window,
			durationMs: (q) => durationQuantileMs(options.durationKey, q),
		});
		if (nowMs - sinceMs >= timeoutMs) throw new JobWaitTimeoutError(job, nowMs - sinceMs);
		const startCheck = inStartPhase(lease);
		await pauseUnlessWoken(Math.min(pollAtMs, sinceMs + timeoutMs) - nowMs, signal, lease);
		job = parseJob(await getJob(ctx, jobId));
		if (!job.jobId) job.jobId = jobId;
		lastPollAtMs = Date.now();
		window?.notePoll(lastPollAtMs);
		if (lease && startCheck) lease.startChecks++;
		// A list that missed it (it started after the list was read) said it ended: this look says otherwise.
		if (lease) lease.endLikely = false;
		if (lease && window) {
			window.observe(lease, job.status, job.progress, lastPollAtMs);
			if (window.takeAccountLook(lastPollAtMs)) {
				const running = await accountJobIds(ctx, 'PROCESSING');
				const queued = window.lookWantsQueued() ? await accountJobIds(ctx, 'QUEUED') : undefined;
				window.noteAccountRunning(running, Date.now(), queued);
			}
		}
		// Looks past the start checks walk the quantiles; a held job waits for its predicted start instead.
		if (!startCheck && !isTerminal(job.status) && !lease?.held) runningPolls++;
	}
	const durationMs = apiDurationMs(job);
	// Only jobs that never waited behind others teach how long a job runs.
	if (job.status === 'COMPLETED' && durationMs !== undefined && lease && !lease.everHeld) recordDuration(options.durationKey, durationMs);
	return job;
}
