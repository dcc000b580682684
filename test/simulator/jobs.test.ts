import type { Simulator } from './index';
import { body, call, download, generate, runJob, sleep, start, waitFor, waitForJob } from './helpers';

describe('lifecycle', () => {
	let sim: Simulator;
	// 15 s ± 3 s simulated → 300 ms ± 60 ms real.
	beforeAll(async () => {
		sim = await start({ timeScale: 0.02 });
	});
	afterAll(() => sim.close());

	test('QUEUED → PROCESSING with rising progress → COMPLETED with result images', async () => {
		const t0 = Date.now();
		const r = await generate(sim, body());
		expect(r.json.status).toBe('QUEUED');
		const id = r.json.jobId;
		const seen: Array<{ status: string; progress: number | null }> = [];
		let job;
		for (;;) {
			job = (await call(sim, 'GET', `/v2/jobs/${id}`)).json;
			seen.push({ status: job.status, progress: job.progress });
			if (job.status === 'COMPLETED' || job.status === 'FAILED') break;
			await sleep(10);
		}
		const elapsed = Date.now() - t0;
		expect(job.status).toBe('COMPLETED');
		expect(elapsed).toBeGreaterThanOrEqual(240);
		expect(elapsed).toBeLessThan(2000);
		const progress = seen.filter((s) => s.status === 'PROCESSING').map((s) => s.progress as number);
		expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
		expect([...progress].sort((a, b) => a - b)).toEqual(progress);
		expect(Math.max(...progress)).toBeLessThan(100);
		expect(job).toEqual({
			id,
			status: 'COMPLETED',
			model: 'seedream-4.5',
			input: { model: 'seedream-4.5', prompt: 'a red fox in snow' },
			progress: 100,
			error: null,
			creditCost: 4,
			result: { images: [`${sim.url}/files/${id}-1.jpg`] },
			webhookStatus: null,
			createdAt: expect.any(String),
			completedAt: expect.any(String),
			expired: false,
		});
		const rec = sim.jobs().find((j) => j.id === id);
		expect(rec?.durationMs).toBeGreaterThanOrEqual(240);
		expect(rec?.durationMs).toBeLessThanOrEqual(360);
	});

	test('[[slow]] takes four times as long', async () => {
		const id = (await generate(sim, body('[[slow]] tortoise'))).json.jobId;
		await sleep(500);
		expect((await call(sim, 'GET', `/v2/jobs/${id}`)).json.status).toBe('PROCESSING');
		expect(sim.jobs().find((j) => j.id === id)?.durationMs).toBeGreaterThanOrEqual(960);
	});

	test('[[stuck]] never finishes and never shows 100', async () => {
		const id = (await generate(sim, body('[[stuck]] forever'))).json.jobId;
		await sleep(800);
		const job = (await call(sim, 'GET', `/v2/jobs/${id}`)).json;
		expect(job.status).toBe('PROCESSING');
		expect(job.progress).toBe(99);
	});
});

describe('failures', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await start();
	});
	afterAll(() => sim.close());

	test('[[fail]] ends FAILED with a content-policy error and refunds the credits', async () => {
		const before = sim.credits(sim.apiKey);
		const r = await generate(sim, body('a [[fail]] prompt'));
		expect(sim.credits(sim.apiKey)).toBe(before - 4);
		const job = await waitForJob(sim, r.json.jobId);
		expect(job.status).toBe('FAILED');
		expect(job.error).toMatch(/^Content policy violation/);
		expect(job.result).toBeNull();
		expect(job.creditCost).toBe(0);
		expect(sim.credits(sim.apiKey)).toBe(before);
		expect(sim.jobs()[0]).toMatchObject({ chargedCredits: 4, refunded: true });
	});
});

describe('ids and ownership', () => {
	let sim: Simulator;
	const other = 'afk_second_000000000000000000000000000000000';
	beforeAll(async () => {
		sim = await start({ keys: [{ key: 'afk_first_0000000000000000000000000000000000' }, { key: other }] });
	});
	afterAll(() => sim.close());

	test('malformed id → 400, unknown id → 404, another key\'s job → 404', async () => {
		expect((await call(sim, 'GET', '/v2/jobs/not-a-uuid')).status).toBe(400);
		const unknown = await call(sim, 'GET', '/v2/jobs/7d9f3c1e-2b4a-4c6d-8e0f-1a2b3c4d5e6f');
		expect(unknown.status).toBe(404);
		expect(unknown.json.error).toEqual(expect.any(String));
		const id = (await generate(sim, body())).json.jobId;
		expect((await call(sim, 'GET', `/v2/jobs/${id}`)).status).toBe(200);
		expect((await call(sim, 'GET', `/v2/jobs/${id}`, { key: other })).status).toBe(404);
	});
});

describe('concurrency cap', () => {
	test('with a cap of 10 the 11th job stays QUEUED until a slot frees', async () => {
		// 15 s → 300 ms real, no spread, so all ten finish together.
		const sim = await start({ timeScale: 0.02, latencySpreadMs: 0 });
		try {
			const ids = await Promise.all(Array.from({ length: 10 }, async (_, i) => (await generate(sim, body(`fox ${i}`))).json.jobId as string));
			await sleep(20);
			ids.push((await generate(sim, body('fox 10'))).json.jobId);
			await sleep(20);
			const statuses = await Promise.all(ids.map(async (id) => (await call(sim, 'GET', `/v2/jobs/${id}`)).json.status));
			expect(statuses.slice(0, 10)).toEqual(Array(10).fill('PROCESSING'));
			expect(statuses[10]).toBe('QUEUED');
			await waitForJob(sim, ids[10], ['PROCESSING', 'COMPLETED']);
			const jobs = sim.jobs();
			const last = jobs.find((j) => j.id === ids[10]);
			const done = jobs.filter((j) => j.id !== ids[10] && j.completedAt !== null);
			expect(done.length).toBeGreaterThanOrEqual(1);
			const firstDone = Math.min(...done.map((j) => Date.parse(j.completedAt as string)));
			expect(Date.parse(last?.startedAt as string)).toBeGreaterThanOrEqual(firstDone);
			expect((await waitForJob(sim, ids[10])).status).toBe('COMPLETED');
		} finally {
			await sim.close();
		}
	});

	test('a cap of 0 means no cap', async () => {
		// 750 ms jobs: fifteen submits one after another must not outlast the first job on a busy machine.
		const sim = await start({ timeScale: 0.05, maxConcurrentJobs: 0 });
		try {
			const ids: string[] = [];
			for (let i = 0; i < 15; i++) ids.push((await generate(sim, body(`fox ${i}`))).json.jobId);
			await sleep(30);
			expect(sim.jobs().filter((j) => j.status === 'PROCESSING')).toHaveLength(15);
		} finally {
			await sim.close();
		}
	});
});

describe('GET /v2/jobs', () => {
	let sim: Simulator;
	const other = 'afk_second_000000000000000000000000000000000';
	let ids: string[];
	beforeAll(async () => {
		sim = await start({ keys: [{ key: 'afk_first_0000000000000000000000000000000000' }, { key: other }] });
		ids = [];
		for (let i = 0; i < 24; i++) ids.push((await generate(sim, body(`fox ${i}`))).json.jobId);
		ids.push((await generate(sim, body('[[fail]] fox'))).json.jobId);
		await Promise.all(ids.map((id) => waitForJob(sim, id)));
	});
	afterAll(() => sim.close());

	test('newest first, 20 by default, cursor pages without overlap', async () => {
		const p1 = (await call(sim, 'GET', '/v2/jobs')).json;
		expect(p1.jobs).toHaveLength(20);
		expect(p1.hasMore).toBe(true);
		expect(p1.nextCursor).toEqual(expect.any(String));
		const p2 = (await call(sim, 'GET', `/v2/jobs?cursor=${encodeURIComponent(p1.nextCursor)}`)).json;
		expect(p2.jobs).toHaveLength(5);
		expect(p2.hasMore).toBe(false);
		expect(p2.nextCursor).toBeNull();
		const listed = [...p1.jobs, ...p2.jobs].map((j: { id: string }) => j.id);
		expect(listed).toEqual([...ids].reverse());
		expect(p1.jobs[0]).toHaveProperty('status');
		expect(p1.jobs[0]).toHaveProperty('result');
	});

	test('limit, status and model filters', async () => {
		const l = (await call(sim, 'GET', '/v2/jobs?limit=3')).json;
		expect(l.jobs.map((j: { id: string }) => j.id)).toEqual([ids[24], ids[23], ids[22]]);
		const failed = (await call(sim, 'GET', '/v2/jobs?status=FAILED')).json;
		expect(failed.jobs.map((j: { id: string }) => j.id)).toEqual([ids[24]]);
		const done = (await call(sim, 'GET', '/v2/jobs?status=COMPLETED&limit=100')).json;
		expect(done.jobs).toHaveLength(24);
		expect((await call(sim, 'GET', '/v2/jobs?model=seedream-4')).json.jobs).toHaveLength(0);
		expect((await call(sim, 'GET', '/v2/jobs?model=seedream-4.5&limit=100')).json.jobs).toHaveLength(25);
	});

	test('bad limit, status or cursor → 400', async () => {
		for (const q of ['limit=0', 'limit=101', 'limit=abc', 'status=DONE', 'cursor=bogus']) {
			const r = await call(sim, 'GET', `/v2/jobs?${q}`);
			expect(r.status).toBe(400);
			expect(r.json.error).toBe('Validation failed');
		}
	});

	test('another key sees none of these jobs', async () => {
		expect((await call(sim, 'GET', '/v2/jobs', { key: other })).json).toEqual({ jobs: [], nextCursor: null, hasMore: false });
	});
});

describe('expiry', () => {
	test('after the retention the job shows expired:true and its files 404', async () => {
		// 60 s retention → 300 ms real.
		const sim = await start({ retentionMs: 60000 });
		try {
			const job = await runJob(sim, body());
			expect(job.expired).toBe(false);
			expect((await download(job.result.images[0])).status).toBe(200);
			const expired = await waitFor(async () => {
				const j = (await call(sim, 'GET', `/v2/jobs/${job.id}`)).json;
				return j.expired ? j : undefined;
			}, 3000, 'expiry');
			expect(Date.now() - Date.parse(job.completedAt)).toBeGreaterThanOrEqual(290);
			expect(expired.status).toBe('COMPLETED');
			expect((await download(job.result.images[0])).status).toBe(404);
		} finally {
			await sim.close();
		}
	});
});
