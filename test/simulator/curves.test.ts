import type { SimJob, Simulator, SimulatorOptions } from './index';
import { body, call, generate, receiver, sleep, start, waitFor, waitForJob } from './helpers';
import { curveMarker, curveView, progressWebhooks, type ProgressCurve } from './progress';

type Seen = [string, number | null];

describe('curveView (pure)', () => {
	test.each<[ProgressCurve, number[], Seen[]]>([
		['linear', [0, 0.26, 0.5, 0.99, 5], [['PROCESSING', 0], ['PROCESSING', 25], ['PROCESSING', 50], ['PROCESSING', 95], ['PROCESSING', 99]]],
		['stepped', [0, 0.24, 0.25, 0.5, 0.75, 0.99, 5], [['PROCESSING', 0], ['PROCESSING', 0], ['PROCESSING', 25], ['PROCESSING', 50], ['PROCESSING', 75], ['PROCESSING', 75], ['PROCESSING', 75]]],
		['late-start', [0, 0.19, 0.2, 0.4, 0.6, 0.8, 0.99, 5], [['QUEUED', null], ['QUEUED', null], ['PROCESSING', 0], ['PROCESSING', 25], ['PROCESSING', 50], ['PROCESSING', 75], ['PROCESSING', 75], ['PROCESSING', 75]]],
		['none', [0, 0.5, 5], [['PROCESSING', null], ['PROCESSING', null], ['PROCESSING', null]]],
	])('%s', (curve, fracs, want) => {
		expect(fracs.map((f) => Object.values(curveView(curve, f)))).toEqual(want);
	});

	test('progress webhooks go out when the curve first shows 25, 50, 75; none for a curve without progress', () => {
		expect(progressWebhooks('linear')).toEqual([{ frac: 0.25, progress: 25 }, { frac: 0.5, progress: 50 }, { frac: 0.75, progress: 75 }]);
		expect(progressWebhooks('late-start').map((w) => +w.frac.toFixed(9))).toEqual([0.4, 0.6, 0.8]);
		expect(progressWebhooks('none')).toEqual([]);
	});

	test('[[curve:…]] markers; an unknown name is plain text', () => {
		expect(curveMarker('a fox [[curve:late-start]]')).toBe('late-start');
		expect(curveMarker('a fox [[curve:wobbly]] [[curve:none]]')).toBe('none');
		expect(curveMarker('a fox [[curve:wobbly]]')).toBeUndefined();
	});
});

/** Submits one job and reads it at the given shares of its duration, then once it has ended. */
async function observe(sim: Simulator, prompt: string, durationMs: number, fracs: number[]): Promise<{ seen: Seen[]; log: SimJob }> {
	const id = (await generate(sim, body(prompt))).json.jobId as string;
	const started = await waitFor(() => sim.jobs().find((j) => j.id === id)?.startedAt ?? undefined, 2000, 'a slot');
	const t0 = Date.parse(started);
	const seen: Seen[] = [];
	for (const f of fracs) {
		await sleep(t0 + f * durationMs - Date.now());
		const j = (await call(sim, 'GET', `/v2/jobs/${id}`)).json;
		seen.push([j.status, j.progress]);
	}
	const end = await waitForJob(sim, id);
	seen.push([end.status, end.progress]);
	return { seen, log: sim.jobs().find((j) => j.id === id) as SimJob };
}

describe('progress curves over HTTP (exact values at chosen moments)', () => {
	// latency 40 s × 0.05 = 2 s real per job, no spread: every sample sits ≥ 200 ms from a step.
	const opts = (progressCurve: ProgressCurve, latencyMs = 40000): SimulatorOptions => ({ timeScale: 0.05, latencyMs, latencySpreadMs: 0, progressCurve });
	const sims: Simulator[] = [];
	const sim = async (o: SimulatorOptions) => {
		const s = await start(o);
		sims.push(s);
		return s;
	};
	afterAll(() => Promise.all(sims.map((s) => s.close())));

	test('every curve: its (status, progress) sequence, the same total duration, processingAt in the log', async () => {
		const [linear, stepped, late, none] = await Promise.all([
			// Linear moves in steps of 5 %: 4 s jobs keep samples 100 ms from a step.
			sim(opts('linear', 80000)).then((s) => observe(s, 'a fox', 4000, [0.125, 0.375, 0.625, 0.875])),
			sim(opts('stepped')).then((s) => observe(s, 'a fox', 2000, [0.125, 0.375, 0.625, 0.875])),
			sim(opts('late-start')).then((s) => observe(s, 'a fox', 2000, [0.1, 0.3, 0.5, 0.7, 0.9])),
			sim(opts('none')).then((s) => observe(s, 'a fox', 2000, [0.1, 0.5, 0.9])),
		]);
		expect(linear.seen).toEqual([['PROCESSING', 10], ['PROCESSING', 35], ['PROCESSING', 60], ['PROCESSING', 85], ['COMPLETED', 100]]);
		expect(stepped.seen).toEqual([['PROCESSING', 0], ['PROCESSING', 25], ['PROCESSING', 50], ['PROCESSING', 75], ['COMPLETED', 100]]);
		expect(late.seen).toEqual([['QUEUED', null], ['PROCESSING', 0], ['PROCESSING', 25], ['PROCESSING', 50], ['PROCESSING', 75], ['COMPLETED', 100]]);
		expect(none.seen).toEqual([['PROCESSING', null], ['PROCESSING', null], ['PROCESSING', null], ['COMPLETED', 100]]);
		for (const [r, d] of [[linear, 4000], [stepped, 2000], [late, 2000], [none, 2000]] as const) {
			expect(r.log.durationMs).toBe(d);
			const took = Date.parse(r.log.completedAt as string) - Date.parse(r.log.startedAt as string);
			expect(took).toBeGreaterThanOrEqual(d - 1);
			expect(took).toBeLessThan(d + 150);
		}
		expect(late.log.progressCurve).toBe('late-start');
		expect(Date.parse(late.log.processingAt as string) - Date.parse(late.log.startedAt as string)).toBe(400);
		expect(stepped.log.processingAt).toBe(stepped.log.startedAt);
	});

	test('late-start: the QUEUED fifth holds the account\'s slot (a hidden cap of 1 keeps the next job waiting)', async () => {
		const s = await sim({ ...opts('late-start', 20000), maxConcurrentJobs: 1 });
		const a = (await generate(s, body('first'))).json.jobId;
		const b = (await generate(s, body('second'))).json.jobId;
		await sleep(100); // 10 % into a's 1 s
		const get = async (id: string) => (await call(s, 'GET', `/v2/jobs/${id}`)).json;
		expect([(await get(a)).status, (await get(b)).status]).toEqual(['QUEUED', 'QUEUED']);
		const log = () => Object.fromEntries(s.jobs().map((j) => [j.id, j]));
		// Both look the same to a client; only a holds the slot.
		expect(log()[a].startedAt).not.toBeNull();
		expect(log()[b].startedAt).toBeNull();
		await sleep(300); // 40 %: a runs, b still waits for the slot
		expect([(await get(a)).status, (await get(b)).status]).toEqual(['PROCESSING', 'QUEUED']);
		await waitForJob(s, b);
		expect(Date.parse(log()[b].startedAt as string)).toBeGreaterThanOrEqual(Date.parse(log()[a].completedAt as string));
		expect('maxConcurrentJobs' in (await call(s, 'GET', '/v2/me')).json.team).toBe(false);
	});

	test('GET /v2/jobs?status=QUEUED lists a late-start job in its QUEUED fifth, and an idempotent replay says QUEUED', async () => {
		const s = await sim(opts('late-start'));
		const r = await generate(s, body('fox'), { headers: { 'Idempotency-Key': 'k1' } });
		await sleep(100); // 5 %: it holds its slot but shows QUEUED
		expect((await call(s, 'GET', '/v2/jobs?status=QUEUED')).json.jobs.map((j: { id: string }) => j.id)).toEqual([r.json.jobId]);
		expect((await generate(s, body('fox'), { headers: { 'Idempotency-Key': 'k1' } })).json).toEqual({ jobId: r.json.jobId, status: 'QUEUED' });
		await sleep(600); // 35 %
		expect((await call(s, 'GET', '/v2/jobs?status=PROCESSING')).json.jobs).toHaveLength(1);
	});

	test('[[fail]] ends FAILED at 30 % showing the curve\'s value there', async () => {
		const s = await sim({ timeScale: 0.005 });
		const ids: Record<string, string> = {};
		for (const c of ['linear', 'stepped', 'late-start', 'none']) ids[c] = (await generate(s, body(`[[fail]] [[curve:${c}]]`))).json.jobId;
		const progress = async (id: string) => (await waitForJob(s, id)).progress;
		expect(await Promise.all(Object.values(ids).map(progress))).toEqual([30, 25, 0, null]);
		expect(s.jobs().map((j) => j.status)).toEqual(['FAILED', 'FAILED', 'FAILED', 'FAILED']);
	});
});

describe('choosing a curve', () => {
	test('a prompt marker beats the key\'s curve, which beats the simulator\'s', async () => {
		const other = 'afk_other_curve_000000000000000000000000000';
		const s = await start({ progressCurve: 'stepped', keys: [{ key: 'afk_main_curve_0000000000000000000000000000' }, { key: other, progressCurve: 'none' }] });
		try {
			await generate(s, body('plain'));
			await generate(s, body('plain'), { key: other });
			await generate(s, body('marked [[curve:late-start]]'), { key: other });
			await call(s, 'POST', '/__sim/keys', { body: { key: other, progressCurve: 'linear' }, key: null });
			await generate(s, body('plain'), { key: other });
			expect(s.jobs().map((j) => j.progressCurve)).toEqual(['stepped', 'none', 'late-start', 'linear']);
			expect((await call(s, 'POST', '/__sim/keys', { body: { key: other, progressCurve: 'wobbly' }, key: null })).status).toBe(400);
		} finally {
			await s.close();
		}
		await expect(start({ progressCurve: 'wobbly' as ProgressCurve })).rejects.toThrow(/progressCurve must be one of/);
	});
});

describe('progress webhooks follow the curve', () => {
	test('stepped and late-start send 25, 50, 75 when a GET would show them; none sends only the end', async () => {
		const rx = await receiver();
		const s = await start({ timeScale: 0.02, latencySpreadMs: 0 });
		try {
			const hook = { webhookUrl: rx.url, webhookEvents: ['progress', 'completed'] };
			const ids: string[] = [];
			for (const c of ['stepped', 'late-start', 'none']) ids.push((await generate(s, body(`fox [[curve:${c}]]`, undefined, hook))).json.jobId);
			await Promise.all(ids.map((id) => waitForJob(s, id)));
			await waitFor(() => s.jobs().every((j) => j.webhookStatus === 'delivered'), 3000, 'deliveries');
			const events = (id: string) => s.deliveries().filter((d) => d.jobId === id).map((d) => [d.event, JSON.parse(d.body).progress]);
			expect(events(ids[0])).toEqual([['progress', 25], ['progress', 50], ['progress', 75], ['completed', 100]]);
			expect(events(ids[1])).toEqual([['progress', 25], ['progress', 50], ['progress', 75], ['completed', 100]]);
			expect(events(ids[2])).toEqual([['completed', 100]]);
			// late-start: the first progress event goes out 40 % into the 300 ms (120 ms), after the job left QUEUED (60 ms).
			const late = s.jobs()[1];
			const first = s.deliveries().find((d) => d.jobId === ids[1]) as { at: string };
			expect(Date.parse(first.at) - Date.parse(late.startedAt as string)).toBeGreaterThanOrEqual(119);
		} finally {
			await s.close();
			await rx.close();
		}
	});
});
