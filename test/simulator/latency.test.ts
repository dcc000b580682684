import type { Simulator } from './index';
import { body, generate, start, waitForJob } from './helpers';
import { BODY_MEAN_SHARE, hashRandom, jobRandom, sampleLatency, TAIL_MAX, TAIL_MIN, TAIL_SHARE, type LatencyModel } from './latency';
import { sha256 } from './util';

const LOGNORMAL: LatencyModel = { distribution: 'lognormal', meanMs: 15000, spreadMs: 3000 };
const UNIFORM: LatencyModel = { distribution: 'uniform', meanMs: 15000, spreadMs: 3000 };
const draws = (m: LatencyModel, seed: number, n: number) => Array.from({ length: n }, (_, i) => sampleLatency(m, jobRandom(seed, i + 1, 'ignored')));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('sampleLatency (pure)', () => {
	test('with a seed, the n-th job gets the same duration every time; the job id plays no part', () => {
		const a = draws(LOGNORMAL, 42, 2000);
		expect(draws(LOGNORMAL, 42, 2000)).toEqual(a);
		expect(sampleLatency(LOGNORMAL, jobRandom(42, 1, 'job-a'))).toBe(sampleLatency(LOGNORMAL, jobRandom(42, 1, 'job-b')));
		// Pinned, so a change to the generator shows up here rather than as a drifting benchmark.
		expect(a.slice(0, 3).map((d) => Math.round(d))).toEqual([11573, 6836, 8508]);
		expect(draws(LOGNORMAL, 43, 3)).not.toEqual(a.slice(0, 3));
	});

	test('lognormal: mean latencyMs within 5 % over 2,000 draws (1.5 % over 100,000), a 3–10× tail of about 4 %', () => {
		const small = draws(LOGNORMAL, 42, 2000);
		expect(Math.abs(mean(small) / 15000 - 1)).toBeLessThan(0.05);
		const big = draws(LOGNORMAL, 7, 100000);
		expect(Math.abs(mean(big) / 15000 - 1)).toBeLessThan(0.015);
		const tail = big.filter((d) => d >= TAIL_MIN * 15000).length / big.length;
		expect(tail).toBeGreaterThan(TAIL_SHARE * 0.9);
		expect(tail).toBeLessThan(TAIL_SHARE * 1.1);
		expect(Math.max(...big)).toBeLessThanOrEqual(TAIL_MAX * 15000);
		// The body is centred below the mean (the tail pays for the rest): median about 11.6 s.
		const median = [...big].sort((x, y) => x - y)[big.length / 2];
		expect(median).toBeGreaterThan(11000);
		expect(median).toBeLessThan(12200);
		expect(BODY_MEAN_SHARE).toBeCloseTo(0.799, 3);
	});

	test('uniform stays within latency ± spread, and unseeded jobs keep the duration the job id always gave them', () => {
		const u = draws(UNIFORM, 1, 2000);
		expect(Math.min(...u)).toBeGreaterThanOrEqual(12000);
		expect(Math.max(...u)).toBeLessThanOrEqual(18000);
		expect(Math.abs(mean(u) / 15000 - 1)).toBeLessThan(0.01);
		const id = '7d9f3c1e-2b4a-4c6d-8e0f-1a2b3c4d5e6f';
		const before = 15000 + ((sha256(`${id}:latency`).readUInt32BE(0) / 0xffffffff) * 2 - 1) * 3000;
		expect(Math.abs(sampleLatency(UNIFORM, jobRandom(undefined, 1, id)) - before)).toBeLessThan(1e-5);
	});

	test('hashRandom stays strictly inside (0, 1)', () => {
		const r = hashRandom('x');
		for (let i = 0; i < 1000; i++) {
			const v = r();
			expect(v).toBeGreaterThan(0);
			expect(v).toBeLessThan(1);
		}
	});
});

describe('seeded durations over HTTP', () => {
	const opts = { timeScale: 0.001, latencyDistribution: 'lognormal' as const, randomSeed: 2026, maxConcurrentJobs: 0 };
	const run = async (sim: Simulator, n: number) => {
		for (let i = 0; i < n; i++) await generate(sim, body(`fox ${i}`));
		await Promise.all(sim.jobs().map((j) => waitForJob(sim, j.id)));
		return sim.jobs().map((j) => j.durationMs);
	};
	const expected = (n: number) => draws({ ...LOGNORMAL, meanMs: 15000 }, 2026, n).map((d) => d * 0.001);

	test('two simulators with the same seed give job n the same exact duration; a reset replays them', async () => {
		const a = await start(opts);
		const b = await start(opts);
		try {
			const da = await run(a, 8);
			expect(da).toEqual(expected(8));
			expect(await run(b, 8)).toEqual(da);
			a.reset();
			expect(await run(a, 8)).toEqual(da);
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	test('[[slow]] multiplies the seeded draw by four', async () => {
		const sim = await start(opts);
		try {
			await generate(sim, body('[[slow]] tortoise'));
			await waitForJob(sim, sim.jobs()[0].id);
			expect(sim.jobs()[0].durationMs).toBe(expected(1)[0] * 4);
		} finally {
			await sim.close();
		}
	});
});
