/**
 * How long a job takes. Pure functions, so tests can check the distributions without HTTP.
 *
 * `uniform`: latency ± spread, flat (the simulator's original model).
 * `lognormal`: what image providers look like in practice, "about 15 s on average, some jobs
 * minutes": a lognormal body around the mean plus a thin tail of jobs that take 3–10× the
 * mean. A single lognormal cannot have both a tight body and that tail, so the tail is a
 * separate component, and the body's mean is lowered so that the overall mean is exactly
 * `latencyMs`.
 */
import { sha256 } from './util';

export type LatencyDistribution = 'uniform' | 'lognormal';
export const LATENCY_DISTRIBUTIONS: readonly LatencyDistribution[] = ['uniform', 'lognormal'];

export interface LatencyModel {
	distribution: LatencyDistribution;
	/** Mean duration, simulated ms. */
	meanMs: number;
	/** Uniform only: half-width of the flat spread around the mean. */
	spreadMs: number;
}

/** Share of lognormal jobs in the long tail. */
export const TAIL_SHARE = 0.04;
/** Tail jobs take between these multiples of the mean, log-uniformly (as many at 3–5× as at 5–8.3×). */
export const TAIL_MIN = 3;
export const TAIL_MAX = 10;
/** Log-space sigma of the body: most jobs within about ±35 % of the body's median. */
export const BODY_SIGMA = 0.3;

/** Mean of the tail multiple (log-uniform on [TAIL_MIN, TAIL_MAX]). */
const TAIL_MEAN = (TAIL_MAX - TAIL_MIN) / Math.log(TAIL_MAX / TAIL_MIN);
/** Body mean as a share of the overall mean, so that body and tail together average exactly 1. */
export const BODY_MEAN_SHARE = (1 - TAIL_SHARE * TAIL_MEAN) / (1 - TAIL_SHARE);

/** A source of uniform numbers in (0, 1). */
export type Rand = () => number;

/**
 * Uniform numbers from SHA-256 of `source`, then of `source:1`, `source:2`…: the same source
 * always gives the same sequence, whatever else the simulator is doing.
 */
export function hashRandom(source: string): Rand {
	let k = 0;
	return () => {
		const h = sha256(k === 0 ? source : `${source}:${k}`);
		k++;
		// Half a step off zero, so log() and division are always defined.
		return (h.readUInt32BE(0) + 0.5) / 0x100000000;
	};
}

/**
 * The draws of one job. With a seed the n-th job created (since start or reset) gets the same
 * durations on every run; without one, the job id decides, as it always has.
 */
export function jobRandom(seed: number | undefined, n: number, jobId: string): Rand {
	return hashRandom(seed === undefined ? `${jobId}:latency` : `seed:${seed}:job:${n}:latency`);
}

/** One job's duration in simulated ms (before the time scale and the [[slow]] marker). */
export function sampleLatency(m: LatencyModel, rand: Rand): number {
	if (m.distribution === 'uniform') {
		// The draw the simulator always made (to within a billionth), so unseeded jobs keep their durations.
		const u = rand();
		return Math.max(0, m.meanMs + (u * 2 - 1) * m.spreadMs);
	}
	const inTail = rand() < TAIL_SHARE;
	if (inTail) {
		const f = TAIL_MIN * Math.pow(TAIL_MAX / TAIL_MIN, rand());
		return m.meanMs * f;
	}
	// Box–Muller for one standard normal; mu chosen so the body's mean is BODY_MEAN_SHARE × mean.
	const z = Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
	const mu = Math.log(m.meanMs * BODY_MEAN_SHARE) - (BODY_SIGMA * BODY_SIGMA) / 2;
	return Math.exp(mu + BODY_SIGMA * z);
}
