/**
 * The grid's conditions: which rows `npm run bench` measures and with what settings. Why these
 * rows and not the full product: bench/README.md ("The grid").
 */
import type { ProgressCurve } from '../test/simulator/progress';
import { envNumber } from './config';

export type DurationName = '2s' | '15s' | '2min';
export type LimitMode = 'reported' | 'hidden' | 'none';
export type ProcessState = 'cold' | 'warm';

export interface DurationSpec {
	label: string;
	/** Simulated ms: the fixed duration, or the mean of the lognormal. */
	latencyMs: number;
	distribution: 'fixed' | 'lognormal';
	/** Real ms = simulated ms × time scale (node and simulator alike, setTimeScale). */
	timeScale: number;
	/** Rows of the measured batch, over all processes. */
	rows: number;
}

/**
 * 2 s jobs run at real time: the node's own work (CPU, loopback HTTP) is largest against them.
 * 15 s at 0.1 (1.5 s mean, the tail up to 15 s) and 2 min at 0.05 (6 s) keep each row short.
 */
export const DURATIONS: Record<DurationName, DurationSpec> = {
	'2s': { label: '2 s', latencyMs: 2_000, distribution: 'fixed', timeScale: envNumber('BENCH_GRID_SCALE_2S', 1), rows: 40 },
	'15s': { label: '15 s ~', latencyMs: 15_000, distribution: 'lognormal', timeScale: envNumber('BENCH_GRID_SCALE_15S', 0.1), rows: 40 },
	'2min': { label: '2 min', latencyMs: 120_000, distribution: 'fixed', timeScale: envNumber('BENCH_GRID_SCALE_2MIN', 0.05), rows: 30 },
};

export const GRID = {
	/** The account's running-job limit when there is one (10: what `/v2/me` showed on the pro plan). */
	cap: 10,
	/** Requests per key per minute (scaled window): the one figure users report for Apiframe. */
	rateLimitPerMinute: 500,
	randomSeed: 20261201,
	imageScale: 1 / 32,
} as const;

export const GRID_TARGETS = {
	wallRatio: 1.1,
	wallRatio15s: 1.05,
	requestsPerJobCold: 5,
	requestsPerJobWarm: 4,
	/** Two processes on one account: peak jobs in flight (running + queued) once they have looked ÷ the limit. */
	twoProcessInFlight: 1.25,
} as const;

export interface Condition {
	id: string;
	duration: DurationName;
	state: ProcessState;
	limit: LimitMode;
	processes: 1 | 2;
	curve: ProgressCurve;
}

const condition = (duration: DurationName, state: ProcessState, limit: LimitMode, processes: 1 | 2 = 1, curve: ProgressCurve = 'linear'): Condition => ({
	id: `${duration}-${limit}-${state}-${processes}p${curve === 'linear' ? '' : `-${curve}`}`,
	duration,
	state,
	limit,
	processes,
	curve,
});

const durations: DurationName[] = ['2s', '15s', '2min'];
const limits: LimitMode[] = ['reported', 'hidden', 'none'];

/**
 * - one process: every duration × cold/warm × reported/hidden/none (18 rows);
 * - two processes on one account: 2 s and 15 s × reported/hidden, cold; 15 s hidden warm (5 rows);
 * - progress curves: stepped, late-start, none for 15 s hidden cold, one process (linear is the base row) (3 rows).
 */
export const CONDITIONS: Condition[] = [
	...durations.flatMap((d) => limits.flatMap((l) => [condition(d, 'cold', l), condition(d, 'warm', l)])),
	...(['2s', '15s'] as const).flatMap((d) => (['reported', 'hidden'] as const).map((l) => condition(d, 'cold', l, 2))),
	condition('15s', 'warm', 'hidden', 2),
	...(['stepped', 'late-start', 'none'] as const).map((c) => condition('15s', 'cold', 'hidden', 1, c)),
];

/** `BENCH_GRID_ONLY=regex` runs the matching rows only (by id, e.g. `15s-hidden`). */
export function selectedConditions(): Condition[] {
	const only = process.env.BENCH_GRID_ONLY;
	if (!only) return CONDITIONS;
	const pattern = new RegExp(only);
	return CONDITIONS.filter((c) => pattern.test(c.id));
}

export function describeCondition(c: Condition): string {
	const parts = [DURATIONS[c.duration].label, c.state, c.limit === 'none' ? 'no limit' : `${c.limit} limit`, c.processes === 2 ? '2 processes' : '1 process'];
	if (c.curve !== 'linear') parts.push(c.curve);
	return parts.join(', ');
}
