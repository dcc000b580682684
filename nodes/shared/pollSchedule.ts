import type { ConcurrencyWindow, JobLease } from './concurrency';
import { POLL_END_MARGIN_MS, POLL_END_MARGIN_SHARE, POLL_MAX_MS, POLL_MIN_MS, POLL_START_CHECK_MS, POLL_START_CHECKS_MAX } from './constants';
import type { ParsedJob } from './job';
import { COLD_FRACTIONS } from './jobDurations';
import { scaledMs } from './timing';

/** Quantiles of the learned duration at which a running job is looked at, one after the other. */
export const END_QUANTILES = [0.5, 0.8, 0.95];

export interface PollState {
	nowMs: number;
	job: ParsedJob;
	/** When we started waiting: the submit, or the start of Job → Wait. */
	sinceMs: number;
	/** Polls that found the job running (not queued, not done). */
	runningPolls: number;
	lastPollAtMs?: number;
	/** Whether enough jobs of this kind have finished to trust their durations (else COLD_FRACTIONS). */
	warm: boolean;
	lease?: JobLease;
	window?: ConcurrencyWindow;
	durationMs: (q: number) => number;
}

/**
 * While the account's limit is learned, a new job is looked at soon and again (0.3 s, 0.6 s, 1.2 s…
 * after its submit) until it is seen running or held behind others: a provider may start jobs late.
 */
export function inStartPhase(lease: JobLease | undefined): boolean {
	return Boolean(lease?.startCheck && lease.submittedAtMs !== undefined && lease.startedSeenAtMs === undefined && !lease.held && lease.startChecks < POLL_START_CHECKS_MAX);
}

/**
 * Where a job's learned duration is counted from. Durations are the API's created → completed, a
 * normal wait in QUEUED included, so a job that never waited behind others counts from its submit
 * (counting from the submit's QUEUED answer or a start check would add that wait twice). One that
 * did started between the last look that saw it waiting and the first that saw it run: at the
 * start predicted from the ends of the jobs ahead of it, kept within those two looks.
 */
export function runsFromMs(lease: JobLease): number | undefined {
	if (!lease.everHeld) return lease.submittedAtMs;
	const waitingAtMs = lease.lastSeenQueuedAtMs ?? lease.submittedAtMs;
	if (lease.predictedStartMs === undefined || waitingAtMs === undefined) return waitingAtMs;
	return Math.min(Math.max(lease.predictedStartMs, waitingAtMs), lease.startedSeenAtMs ?? Number.POSITIVE_INFINITY);
}

/** When a held job will start: the API starts queued jobs first come, first served, as ours end. */
export function predictedStartMs(window: ConcurrencyWindow, lease: JobLease, durationMs: number, nowMs: number): number {
	const ends = window
		.presumedRunning()
		.map((running) => Math.max(nowMs, (runsFromMs(running) ?? nowMs) + durationMs))
		.sort((a, b) => a - b);
	if (ends.length === 0) return nowMs + durationMs / 2;
	for (const queued of window.heldLeases()) {
		const startMs = ends.shift() as number;
		if (queued === lease) return startMs;
		ends.push(startMs + durationMs);
		ends.sort((a, b) => a - b);
	}
	return nowMs;
}

/**
 * When to look at a job next (epoch ms). A job just submitted while the account's limit is being
 * learned is looked at early, to see whether it started (inStartPhase); a running job at the median of recent
 * durations, then the 80th and 95th percentiles (before any are known: COLD_FRACTIONS of 15 s), then every quarter of a duration (2–8 s); a job
 * held behind others at its predicted start plus a duration. Never twice within POLL_MIN_MS, and
 * never past the account's poll budget (POLL_RATE_BUDGET_PER_MINUTE polls a minute, all jobs together).
 */
export function nextPollAtMs(state: PollState): number {
	const { lease, window, job, nowMs } = state;
	const budgetMs = window?.pollAllowedAtMs(nowMs) ?? nowMs;
	if (lease && inStartPhase(lease)) return Math.max(nowMs, budgetMs, (lease.submittedAtMs as number) + scaledMs(POLL_START_CHECK_MS) * 2 ** lease.startChecks);
	const median = state.durationMs(0.5);
	// A look at the very moment a job should end finds it a hair early (clocks, the submit's round
	// trip) and costs a whole step: look a little after.
	const marginMs = Math.max(scaledMs(POLL_END_MARGIN_MS), median * POLL_END_MARGIN_SHARE);
	let targetMs: number;
	if (lease?.endLikely) {
		targetMs = nowMs;
	} else if (lease?.held && window) {
		lease.predictedStartMs = predictedStartMs(window, lease, median, nowMs);
		// Other workflows and n8n processes free places too: never wait more than half a duration to
		// look. Before any duration is known, the first cold look from now: the jobs may be quick.
		targetMs = state.warm ? Math.min(lease.predictedStartMs, nowMs + median / 2) + median + marginMs : nowMs + median * COLD_FRACTIONS[0] + marginMs;
	} else if (state.runningPolls < (state.warm ? END_QUANTILES : COLD_FRACTIONS).length) {
		const startedMs = (lease && runsFromMs(lease)) ?? createdAtMs(job) ?? state.sinceMs;
		targetMs = startedMs + marginMs + (state.warm ? state.durationMs(END_QUANTILES[state.runningPolls]) : median * COLD_FRACTIONS[state.runningPolls]);
	} else {
		targetMs = (state.lastPollAtMs ?? nowMs) + Math.min(scaledMs(POLL_MAX_MS), Math.max(scaledMs(POLL_MIN_MS), median / 4));
	}
	const earliestMs = state.lastPollAtMs === undefined ? nowMs : state.lastPollAtMs + scaledMs(POLL_MIN_MS);
	return Math.max(nowMs, earliestMs, targetMs, budgetMs);
}

function createdAtMs(job: ParsedJob): number | undefined {
	const created = Date.parse(job.createdAt ?? '');
	return Number.isNaN(created) ? undefined : created;
}
