/**
 * Every setting of `npm run bench` in one place. Times are in SIMULATED ms (what the real API
 * would take); the simulator and the node both multiply them by the time scale.
 */
export const SIMULATED_LATENCY_MS = 15_000;
/** 0: every job takes exactly L, so the best possible wall time really is ceil(N / cap) × L. */
export const LATENCY_SPREAD_MS = 0;
/** The poll interval of the baselines (Apiframe advises 2–3 s for image jobs). */
export const BASELINE_POLL_MS = 2_000;

/** A positive number from the environment, or the fallback. */
export function envNumber(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw.trim() === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
	return value;
}

export interface BenchSettings {
	/**
	 * Time scale per scenario (0.25 → a 15 s job takes 3.75 s). The engine's own CPU work costs
	 * real milliseconds that do not shrink with the scale, so each scenario runs at a scale where
	 * that work is as small against L as it is against the real 15 s, within the time budget.
	 */
	s1TimeScale: number;
	s2TimeScale: number;
	s3TimeScale: number;
	/** Baseline (a) takes N × L: a small scale keeps it short (its per-row overhead is ~1 HTTP round trip per poll). */
	sequentialTimeScale: number;
	/** Baseline (b) in a real n8n, whose engine and Wait node cost real milliseconds: 1 = real time. */
	n8nTimeScale: number;
	s4TimeScale: number;
	s1Repeats: number;
	s2Repeats: number;
	/** Image scale of S1/S2 and the baselines (1/32: 2048 px → 64 px); S3 always uses full size. */
	imageScale: number;
	skipN8n: boolean;
	/**
	 * Also run S1 with the node's Max Running Jobs set to the row count, which shows the node's own
	 * overhead: 'auto' does so when S1 with defaults ran in waves (wall ÷ L above 2).
	 */
	s1Unlimited: 'auto' | 'always' | 'never';
}

export function readSettings(): BenchSettings {
	return {
		s1TimeScale: envNumber('BENCH_S1_TIME_SCALE', 1),
		s2TimeScale: envNumber('BENCH_S2_TIME_SCALE', 0.05),
		s3TimeScale: envNumber('BENCH_S3_TIME_SCALE', 0.1),
		s4TimeScale: envNumber('BENCH_S4_TIME_SCALE', 0.1),
		sequentialTimeScale: envNumber('BENCH_SEQUENTIAL_TIME_SCALE', 0.01),
		n8nTimeScale: envNumber('BENCH_N8N_TIME_SCALE', 1),
		s1Repeats: Math.round(envNumber('BENCH_S1_REPEATS', 5)),
		s2Repeats: Math.round(envNumber('BENCH_S2_REPEATS', 3)),
		imageScale: envNumber('BENCH_IMAGE_SCALE', 1 / 32),
		skipN8n: process.env.BENCH_SKIP_N8N === '1',
		s1Unlimited: process.env.BENCH_S1_UNLIMITED === '1' ? 'always' : process.env.BENCH_S1_UNLIMITED === '0' ? 'never' : 'auto',
	};
}

export const S1 = { rows: 50, maxConcurrentJobs: 0, rateLimitPerMinute: 0 } as const;
export const S2 = { rows: 200, maxConcurrentJobs: 10, rateLimitPerMinute: 500 } as const;
export const S3 = { rows: 50, maxConcurrentJobs: 0, rateLimitPerMinute: 0, imageScale: 1 } as const;

export const TARGETS = { s1Ratio: 1.05, s2Ratio: 1.05, requestsPerJob: 4, s3MemoryShare: 0.25, s4Ratio: 1.1, queueRatio: 1.1 } as const;

/** Best possible wall time of N rows at a cap (0 = no cap), in simulated ms. */
export function idealMs(rows: number, cap: number): number {
	return (cap > 0 ? Math.ceil(rows / cap) : 1) * SIMULATED_LATENCY_MS;
}
