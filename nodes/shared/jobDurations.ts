import { JOB_DURATION_PRIOR_MS, JOB_DURATION_SAMPLES_KEPT } from './constants';
import type { ParsedJob } from './job';
import { scaledMs } from './timing';

/**
 * How long jobs of one account, model and size took lately, from the API's own timestamps
 * (created → completed) of jobs that did not wait behind others: when to look at the next one.
 * Progress is not used — providers report it linearly, in steps, late or not at all.
 */
const samplesByKey = new Map<string, number[]>();
const MIN_SAMPLES = 3;
/**
 * Until a few jobs of the kind have finished, looks at fractions of Seedream's documented ~15 s
 * (3 s, 7.5 s, 15 s, 19.5 s, 27 s): early enough for a fast provider, few polls for a 15 s job.
 */
export const COLD_FRACTIONS = [0.2, 0.5, 1, 1.3, 1.8];

/** Durations belong to the provider (base URL), model and size, whichever account ran them. */
export function durationKey(baseUrl: string, model: string | undefined, size: unknown): string {
	return `${baseUrl}|${model ?? ''}|${typeof size === 'string' ? size : ''}`;
}

export function isWarm(key: string): boolean {
	return (samplesByKey.get(key)?.length ?? 0) >= MIN_SAMPLES;
}

/** The job's run time as the API measured it, when it says. */
export function apiDurationMs(job: ParsedJob): number | undefined {
	const created = Date.parse(job.createdAt ?? '');
	const completed = Date.parse(job.completedAt ?? '');
	return Number.isNaN(created) || Number.isNaN(completed) || completed < created ? undefined : completed - created;
}

export function recordDuration(key: string, durationMs: number): void {
	const samples = samplesByKey.get(key) ?? [];
	samples.push(durationMs);
	if (samples.length > JOB_DURATION_SAMPLES_KEPT) samples.shift();
	samplesByKey.set(key, samples);
}

/** The q-quantile (0–1) of recent durations; the documented average while there are too few. */
export function durationQuantileMs(key: string, q: number): number {
	const samples = samplesByKey.get(key) ?? [];
	if (samples.length < MIN_SAMPLES) return scaledMs(JOB_DURATION_PRIOR_MS);
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function forgetDurations(): void {
	samplesByKey.clear();
}
