import type { Simulator } from './index';
import { body, call, generate, sleep, start, waitForJob } from './helpers';

const KEY = 'afk_me_test_00000000000000000000000000000000';
const NO_CUSTOMER = 'afk_me_nocus_0000000000000000000000000000000';

describe('GET /v2/me and the running-job limit', () => {
	test('by default team is {id, name, credits, plan, customerId}: the limit is not told', async () => {
		const sim = await start({ keys: [{ key: KEY, teamName: 'T', credits: 50 }, { key: NO_CUSTOMER, customerId: null }] });
		try {
			const team = (await call(sim, 'GET', '/v2/me')).json.team;
			expect(Object.keys(team).sort()).toEqual(['credits', 'customerId', 'id', 'name', 'plan']);
			expect(team.customerId).toMatch(/^cus_sim_[0-9a-f]{14}$/);
			expect((await call(sim, 'GET', '/v2/me', { key: NO_CUSTOMER })).json.team.customerId).toBeNull();
			// The customer id belongs to the key: the same after a reset, or set through the admin API.
			sim.reset();
			expect((await call(sim, 'GET', '/v2/me')).json.team.customerId).toBe(team.customerId);
			await call(sim, 'POST', '/__sim/keys', { body: { key: KEY, customerId: 'cus_123' }, key: null });
			expect((await call(sim, 'GET', '/v2/me')).json.team.customerId).toBe('cus_123');
			expect((await call(sim, 'POST', '/__sim/keys', { body: { key: KEY, customerId: 5 }, key: null })).status).toBe(400);
		} finally {
			await sim.close();
		}
	});

	test('reportConcurrencyLimit: true shows team.maxConcurrentJobs (null when uncapped)', async () => {
		const capped = await start({ reportConcurrencyLimit: true, maxConcurrentJobs: 4 });
		const open = await start({ reportConcurrencyLimit: true, maxConcurrentJobs: 0 });
		try {
			expect((await call(capped, 'GET', '/v2/me')).json.team).toEqual({
				id: expect.any(String),
				name: expect.any(String),
				credits: 100000,
				plan: 'pro',
				customerId: expect.stringMatching(/^cus_sim_/),
				maxConcurrentJobs: 4,
			});
			expect((await call(open, 'GET', '/v2/me')).json.team.maxConcurrentJobs).toBeNull();
		} finally {
			await Promise.all([capped.close(), open.close()]);
		}
	});

	describe('the hidden cap', () => {
		let sim: Simulator;
		// 15 s → 300 ms real, no spread; a cap of 2 that /v2/me does not mention.
		beforeAll(async () => {
			sim = await start({ timeScale: 0.02, latencySpreadMs: 0, maxConcurrentJobs: 2 });
		});
		afterAll(() => sim.close());

		test('still holds jobs beyond it QUEUED until a slot frees', async () => {
			const ids: string[] = [];
			for (let i = 0; i < 3; i++) ids.push((await generate(sim, body(`fox ${i}`))).json.jobId);
			await sleep(60);
			const status = async (id: string) => (await call(sim, 'GET', `/v2/jobs/${id}`)).json.status;
			expect(await Promise.all(ids.map(status))).toEqual(['PROCESSING', 'PROCESSING', 'QUEUED']);
			expect('maxConcurrentJobs' in (await call(sim, 'GET', '/v2/me')).json.team).toBe(false);
			await waitForJob(sim, ids[2]);
			const [a, b, c] = sim.jobs();
			expect(Date.parse(c.startedAt as string)).toBeGreaterThanOrEqual(Math.min(Date.parse(a.completedAt as string), Date.parse(b.completedAt as string)));
			expect(c.durationMs).toBe(300);
		});
	});
});
