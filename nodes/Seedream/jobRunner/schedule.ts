/** What the schedule knows of one job waited on. */
export interface WaiterView {
	/** When our wait began: the submit, or the start of Job → Wait. */
	sinceMs: number;
	/** The latest moment the job is known not to have started yet (its submit, or a look that saw it QUEUED). */
	notStartedAtMs: number;
	/** Learned durations of its kind (account, model, size), sorted; undefined while cold. */
	durationsMs?: number[];
	/** Seen out of QUEUED by a look. */
	startSeen: boolean;
}

/** The runner's timing constants, already scaled (registry.ts). */
export interface ScheduleTimes {
	lookMinMs: number;
	coldFirstLookMs: number;
	coldLookGrowth: number;
	coldLookMaxGapMs: number;
	warmFirstLookQuantile: number;
	warmLookGapShare: number;
	warmTailGapShare: number;
	warmFirstLookMarginShare: number;
}

export interface Known {
	/** The previous look at the account, if any. */
	lastLookAtMs?: number;
	waiters: WaiterView[];
	/** The earliest moment the account's look budget allows one more request. */
	budgetAllowedAtMs: number;
	/**
	 * The window is learning the account's limit and rows wait for a place: a job not yet seen
	 * started is also due on the cold schedule, since only a look tells whether the window may grow.
	 */
	startsMatter: boolean;
	times: ScheduleTimes;
}

/** The q-quantile of sorted samples (the smallest sample with at least q of them at or below it). */
export function quantileMs(sortedMs: number[], q: number): number {
	return sortedMs[Math.min(sortedMs.length - 1, Math.max(0, Math.ceil(q * sortedMs.length) - 1))];
}

/** Cold: from the submit at the first gap, each gap growth× the last, capped; the first such moment after the last look. */
function coldLookAtMs(waiter: WaiterView, lastLookAtMs: number, times: ScheduleTimes): number {
	let gapMs = times.coldFirstLookMs;
	let atMs = waiter.sinceMs + gapMs;
	while (atMs <= lastLookAtMs) {
		gapMs = Math.min(times.coldLookMaxGapMs, gapMs * times.coldLookGrowth);
		atMs += gapMs;
	}
	return atMs;
}

/**
 * Warm: from the job's start plus the 10th percentile of durations, then every 10 % of the median,
 * or 5 % of how long the job has run once that is longer: a job far past the median is in the
 * tail, where looks at the median's pace would cost many requests and gain little.
 */
function warmLookAtMs(waiter: WaiterView, durationsMs: number[], lastLookAtMs: number, times: ScheduleTimes): number {
	// A look at the very moment a job should end may find it a hair early and cost a whole gap: look a little after.
	const firstMs = waiter.notStartedAtMs + quantileMs(durationsMs, times.warmFirstLookQuantile) + quantileMs(durationsMs, 0.5) * times.warmFirstLookMarginShare;
	if (firstMs > lastLookAtMs) return firstMs;
	const gapMs = Math.max(quantileMs(durationsMs, 0.5) * times.warmLookGapShare, (lastLookAtMs - waiter.notStartedAtMs) * times.warmTailGapShare);
	return lastLookAtMs + Math.max(times.lookMinMs, gapMs);
}

function dueAtMs(waiter: WaiterView, lastLookAtMs: number, known: Known): number {
	const coldMs = coldLookAtMs(waiter, lastLookAtMs, known.times);
	if (!waiter.durationsMs) return coldMs;
	const warmMs = warmLookAtMs(waiter, waiter.durationsMs, lastLookAtMs, known.times);
	return known.startsMatter && !waiter.startSeen ? Math.min(coldMs, warmMs) : warmMs;
}

/**
 * When to look at the account's jobs next (epoch ms), or undefined with nothing to wait for. One
 * look serves every job, so the account is looked at when the first of them is due; never twice
 * within lookMinMs, never past the look budget.
 */
export function nextLookAtMs(known: Known): number | undefined {
	if (known.waiters.length === 0) return undefined;
	const lastMs = known.lastLookAtMs ?? Number.NEGATIVE_INFINITY;
	const dueMs = Math.min(...known.waiters.map((waiter) => dueAtMs(waiter, lastMs, known)));
	return Math.max(dueMs, lastMs + known.times.lookMinMs, known.budgetAllowedAtMs);
}
