import type { Simulator } from './index';
import { body, call, generate, start, waitForJob } from './helpers';

const OTHER = 'afk_other_key_00000000000000000000000000000';
const INACTIVE = 'afk_inactive_0000000000000000000000000000000';
const POOR = 'afk_poor_0000000000000000000000000000000000000';

let sim: Simulator;
beforeAll(async () => {
	sim = await start({
		keys: [
			{ key: 'afk_main_000000000000000000000000000000000001', credits: 1000, email: 'me@example.com', teamName: 'Team A', plan: 'pro' },
			{ key: OTHER },
			{ key: INACTIVE, active: false },
			{ key: POOR, credits: 6 },
		],
	});
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('auth', () => {
	test('missing key → 401 "API key is required"', async () => {
		const r = await generate(sim, body(), { key: null });
		expect(r.status).toBe(401);
		expect(r.json).toEqual({ error: 'API key is required' });
	});

	test('unknown key → 401 "Invalid API key"', async () => {
		for (const path of ['/v2/me', '/v2/jobs', '/v2/jobs/00000000-0000-4000-8000-000000000000']) {
			const r = await call(sim, 'GET', path, { key: 'afk_nope' });
			expect(r.status).toBe(401);
			expect(r.json).toEqual({ error: 'Invalid API key' });
		}
	});

	test('inactive key → 403 "API key is inactive", nothing created', async () => {
		const r = await generate(sim, body(), { key: INACTIVE });
		expect(r.status).toBe(403);
		expect(r.json).toEqual({ error: 'API key is inactive' });
		expect(sim.jobs()).toHaveLength(0);
	});

	test('GET /v2/models needs no key and lists seedream-4.5', async () => {
		const r = await call(sim, 'GET', '/v2/models', { key: null });
		expect(r.status).toBe(200);
		expect(r.json.models.map((m: { id: string }) => m.id)).toContain('seedream-4.5');
	});

	test('keys can be added and deactivated through POST /__sim/keys', async () => {
		const key = 'afk_added_00000000000000000000000000000000000';
		expect((await call(sim, 'GET', '/v2/me', { key })).status).toBe(401);
		const add = await call(sim, 'POST', '/__sim/keys', { body: { key, credits: 8 }, key: null });
		expect(add.status).toBe(200);
		expect((await call(sim, 'GET', '/v2/me', { key })).json.team.credits).toBe(8);
		await call(sim, 'POST', '/__sim/keys', { body: { key, active: false }, key: null });
		expect((await call(sim, 'GET', '/v2/me', { key })).status).toBe(403);
		expect((await call(sim, 'POST', '/__sim/keys', { body: { credits: 1 }, key: null })).status).toBe(400);
	});
});

describe('GET /v2/me', () => {
	test('user, team (the v2 Me schema: id, name, credits, plan, customerId; no running-job limit) and apiKey', async () => {
		const r = await call(sim, 'GET', '/v2/me');
		expect(r.status).toBe(200);
		expect(r.json.user).toEqual({ id: expect.any(String), email: 'me@example.com', role: expect.any(String) });
		expect(r.json.team).toEqual({ id: expect.any(String), name: 'Team A', credits: 1000, plan: 'pro', customerId: expect.stringMatching(/^cus_sim_[0-9a-f]{14}$/) });
		expect(r.json.apiKey).toEqual({ id: expect.any(String), name: expect.any(String), prefix: 'afk_main' });
	});

	test('is free: calling it charges nothing', async () => {
		await call(sim, 'GET', '/v2/me');
		expect(sim.credits(sim.apiKey)).toBe(1000);
	});
});

describe('credits', () => {
	test('4 credits are charged at submit and shown by /v2/me', async () => {
		const r = await generate(sim, body());
		expect(r.status).toBe(202);
		expect(sim.credits(sim.apiKey)).toBe(996);
		expect((await call(sim, 'GET', '/v2/me')).json.team.credits).toBe(996);
		const job = await waitForJob(sim, r.json.jobId);
		expect(job.creditCost).toBe(4);
		expect(sim.credits(sim.apiKey)).toBe(996);
	});

	test('402 with creditsRequired and creditsAvailable; nothing created', async () => {
		expect((await generate(sim, body(), { key: POOR })).status).toBe(202);
		const r = await generate(sim, body(), { key: POOR });
		expect(r.status).toBe(402);
		expect(r.json).toEqual({ error: 'Insufficient credits', creditsRequired: 4, creditsAvailable: 2 });
		expect(sim.jobs()).toHaveLength(1);
		expect(sim.credits(POOR)).toBe(2);
	});

	test('reset restores credits', async () => {
		await generate(sim, body(), { key: POOR });
		expect(sim.credits(POOR)).toBe(2);
		sim.reset();
		expect(sim.credits(POOR)).toBe(6);
	});
});

describe('Idempotency-Key', () => {
	const b = body('idempotent fox', { seed: 7, size: '2K' });
	const same = { seedreamParams: { size: '2K', seed: 7 }, prompt: 'idempotent fox', model: 'seedream-4.5' };

	test('a replay returns the same jobId and its current status; one job, charged once', async () => {
		const h = { 'Idempotency-Key': 'order-42' };
		const first = await generate(sim, b, { headers: h });
		expect(first.status).toBe(202);
		const replay = await generate(sim, same, { headers: h });
		expect(replay.status).toBe(202);
		expect(replay.json.jobId).toBe(first.json.jobId);
		await waitForJob(sim, first.json.jobId);
		const late = await generate(sim, b, { headers: h });
		expect(late.json).toEqual({ jobId: first.json.jobId, status: 'COMPLETED' });
		expect(sim.jobs()).toHaveLength(1);
		expect(sim.jobs()[0].idempotencyKey).toBe('order-42');
		expect(sim.credits(sim.apiKey)).toBe(996);
	});

	test('the same key with a different body → 409, nothing created', async () => {
		const h = { 'Idempotency-Key': 'order-43' };
		expect((await generate(sim, b, { headers: h })).status).toBe(202);
		const r = await generate(sim, body('another fox'), { headers: h });
		expect(r.status).toBe(409);
		expect(r.json.error).toEqual(expect.any(String));
		expect(sim.jobs()).toHaveLength(1);
		expect(sim.credits(sim.apiKey)).toBe(996);
	});

	test('keys are per API key', async () => {
		const h = { 'Idempotency-Key': 'shared' };
		const a = await generate(sim, b, { headers: h });
		const c = await generate(sim, b, { headers: h, key: OTHER });
		expect(c.status).toBe(202);
		expect(c.json.jobId).not.toBe(a.json.jobId);
	});

	test('without the header every submit is a new job', async () => {
		const a = await generate(sim, b);
		const c = await generate(sim, b);
		expect(c.json.jobId).not.toBe(a.json.jobId);
		expect(sim.credits(sim.apiKey)).toBe(992);
	});

	test('a key of 255 characters is fine, 256 → 400', async () => {
		expect((await generate(sim, b, { headers: { 'Idempotency-Key': 'k'.repeat(255) } })).status).toBe(202);
		const r = await generate(sim, b, { headers: { 'Idempotency-Key': 'k'.repeat(256) } });
		expect(r.status).toBe(400);
		expect(Object.keys(r.json.details)).toEqual(['headers.idempotency-key']);
	});
});
