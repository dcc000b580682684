/** Jobs carry their `input`; GET /v2/jobs by scope (user | team) and search (a job id). */
import type { Simulator } from './index';
import { call, generate, receiver, start, waitFor, waitForJob } from './helpers';

const OWNER = 'afk_acme_owner_000000000000000000000000000';
const ADMIN = 'afk_acme_admin_000000000000000000000000000';
const MEMBER = 'afk_acme_member_00000000000000000000000000';
const OUTSIDER = 'afk_outsider_00000000000000000000000000000';
const ids = (page: { jobs: Array<{ id: string }> }) => page.jobs.map((j) => j.id);
const submit = async (sim: Simulator, key: string, prompt: string, model = 'seedream-4.5') => {
	const r = await generate(sim, { model, prompt }, { key });
	if (r.status !== 202) throw new Error(`submit failed: ${r.status} ${r.text}`);
	return r.json.jobId as string;
};

describe('input: the request as submitted', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await start();
	});
	afterAll(() => sim.close());

	test('on GET /v2/jobs/{id} and in the list, webhook fields included, nothing normalised', async () => {
		const hook = await receiver();
		try {
			const sent = {
				model: 'seedream-4.5',
				prompt: 'a lighthouse',
				// A lone string reference stays a string: input is what was sent, not what was understood.
				seedreamParams: { image_input: 'https://example.com/a.png', guidance_scale: 4.5, resolution: '2048x2048' },
				webhookUrl: hook.url,
				webhookEvents: ['completed', 'completed'],
			};
			const r = await generate(sim, sent);
			await waitForJob(sim, r.json.jobId);
			// Once delivered the job no longer changes, so the two views can be compared whole.
			const job = await waitFor(async () => {
				const j = (await call(sim, 'GET', `/v2/jobs/${r.json.jobId}`)).json;
				return j.webhookStatus === 'delivered' ? j : undefined;
			}, 5000, 'the webhook delivery');
			expect(job.input).toEqual(sent);
			const listed = (await call(sim, 'GET', `/v2/jobs?search=${r.json.jobId}`)).json.jobs[0];
			expect(listed).toEqual(job);
			expect(Object.keys(listed).sort()).toEqual(
				['completedAt', 'createdAt', 'creditCost', 'error', 'expired', 'id', 'input', 'model', 'progress', 'result', 'status', 'webhookStatus'],
			);
		} finally {
			await hook.close();
		}
	});

	test('a minimal request has a minimal input; an idempotent replay shows the original', async () => {
		const headers = { 'Idempotency-Key': 'row-1' };
		const first = await generate(sim, { model: 'seedream-3', prompt: 'a kite' }, { headers });
		const again = await generate(sim, { prompt: 'a kite', model: 'seedream-3' }, { headers });
		expect(again.json.jobId).toBe(first.json.jobId);
		expect((await call(sim, 'GET', `/v2/jobs/${first.json.jobId}`)).json.input).toEqual({ model: 'seedream-3', prompt: 'a kite' });
	});
});

describe('GET /v2/jobs: scope and search', () => {
	let sim: Simulator;
	const job: Record<string, string> = {};
	beforeAll(async () => {
		sim = await start({
			keys: [
				{ key: OWNER, teamId: 'team_acme', teamName: 'Acme' },
				{ key: ADMIN, teamId: 'team_acme', teamName: 'Acme', role: 'ADMIN' },
				{ key: MEMBER, teamId: 'team_acme', teamName: 'Acme', role: 'MEMBER' },
				{ key: OUTSIDER },
			],
		});
		// Created one after another, so newest-first order is known.
		job.owner1 = await submit(sim, OWNER, 'owner 1');
		job.member = await submit(sim, MEMBER, 'member', 'seedream-5-pro');
		job.outsider = await submit(sim, OUTSIDER, 'outsider');
		job.admin = await submit(sim, ADMIN, 'admin', 'seedream-3');
		job.owner2 = await submit(sim, OWNER, 'owner 2 [[fail]]');
		await Promise.all(Object.entries(job).map(([who, id]) => waitForJob(sim, id, undefined, { owner1: OWNER, owner2: OWNER, member: MEMBER, admin: ADMIN, outsider: OUTSIDER }[who])));
	});
	afterAll(() => sim.close());

	test('/v2/me tells the team and the role', async () => {
		expect((await call(sim, 'GET', '/v2/me', { key: MEMBER })).json).toMatchObject({ user: { role: 'MEMBER' }, team: { id: 'team_acme', name: 'Acme' } });
		expect((await call(sim, 'GET', '/v2/me', { key: OWNER })).json).toMatchObject({ user: { role: 'OWNER' }, team: { id: 'team_acme' } });
		expect((await call(sim, 'GET', '/v2/me', { key: OUTSIDER })).json.team.id).toBe('team_key_4');
	});

	test('scope=user (the default) lists the key\'s own jobs', async () => {
		const mine = (await call(sim, 'GET', '/v2/jobs', { key: OWNER })).json;
		expect(ids(mine)).toEqual([job.owner2, job.owner1]);
		expect((await call(sim, 'GET', '/v2/jobs?scope=user', { key: OWNER })).json).toEqual(mine);
		expect(ids((await call(sim, 'GET', '/v2/jobs', { key: MEMBER })).json)).toEqual([job.member]);
	});

	test('scope=team: an owner or admin sees every key of the team, newest first, and no one else', async () => {
		const team = [job.owner2, job.admin, job.member, job.owner1];
		expect(ids((await call(sim, 'GET', '/v2/jobs?scope=team', { key: OWNER })).json)).toEqual(team);
		expect(ids((await call(sim, 'GET', '/v2/jobs?scope=team', { key: ADMIN })).json)).toEqual(team);
		// An outsider owns its own one-key team.
		expect(ids((await call(sim, 'GET', '/v2/jobs?scope=team', { key: OUTSIDER })).json)).toEqual([job.outsider]);
	});

	test('scope=team keeps the filters and the cursor', async () => {
		const q = (s: string) => call(sim, 'GET', `/v2/jobs?scope=team&${s}`, { key: ADMIN });
		expect(ids((await q('status=COMPLETED')).json)).toEqual([job.admin, job.member, job.owner1]);
		expect(ids((await q('model=seedream-5-pro')).json)).toEqual([job.member]);
		const p1 = (await q('limit=3')).json;
		expect(ids(p1)).toEqual([job.owner2, job.admin, job.member]);
		expect(p1.hasMore).toBe(true);
		const p2 = (await q(`limit=3&cursor=${p1.nextCursor}`)).json;
		expect(p2).toEqual({ jobs: [expect.objectContaining({ id: job.owner1 })], nextCursor: null, hasMore: false });
	});

	test('a member asking for scope=team → 403', async () => {
		const r = await call(sim, 'GET', '/v2/jobs?scope=team', { key: MEMBER });
		expect(r.status).toBe(403);
		expect(r.json).toEqual({ error: "Only team owners and admins can list the team's jobs (scope=team)" });
	});

	test('search=<job id> lists only that job, within the scope', async () => {
		const one = (await call(sim, 'GET', `/v2/jobs?search=${job.owner1}`, { key: OWNER })).json;
		expect(one).toEqual({ jobs: [expect.objectContaining({ id: job.owner1, input: { model: 'seedream-4.5', prompt: 'owner 1' } })], nextCursor: null, hasMore: false });
		expect(ids((await call(sim, 'GET', `/v2/jobs?search=${job.owner1.toUpperCase()}`, { key: OWNER })).json)).toEqual([job.owner1]);
		// A teammate's job: not among the key's own, but found in the team's.
		expect(ids((await call(sim, 'GET', `/v2/jobs?search=${job.member}`, { key: OWNER })).json)).toEqual([]);
		expect(ids((await call(sim, 'GET', `/v2/jobs?scope=team&search=${job.member}`, { key: OWNER })).json)).toEqual([job.member]);
		expect(ids((await call(sim, 'GET', `/v2/jobs?scope=team&search=${job.outsider}`, { key: OWNER })).json)).toEqual([]);
		expect(ids((await call(sim, 'GET', `/v2/jobs?search=${job.owner1}&status=FAILED`, { key: OWNER })).json)).toEqual([]);
		expect(ids((await call(sim, 'GET', '/v2/jobs?search=00000000-0000-4000-8000-000000000000', { key: OWNER })).json)).toEqual([]);
	});

	test('a teammate\'s job stays 404 on GET /v2/jobs/{id}, even for the owner ("owned by a different user")', async () => {
		expect((await call(sim, 'GET', `/v2/jobs/${job.member}`, { key: OWNER })).status).toBe(404);
	});

	test('a non-uuid search, an unknown scope or include_models → 400 with every bad parameter', async () => {
		const r = await call(sim, 'GET', '/v2/jobs?search=owner%201&scope=everyone&include_models=yes', { key: OWNER });
		expect(r.status).toBe(400);
		expect(r.json).toEqual({
			error: 'Validation failed',
			details: {
				scope: ['must be one of user, team'],
				search: ['must be a UUID (a job ID)'],
				include_models: ['must be one of true, false'],
			},
		});
		// Bad parameters are a 400 before the scope is a 403.
		expect((await call(sim, 'GET', '/v2/jobs?scope=team&search=x', { key: MEMBER })).status).toBe(400);
	});

	test('include_models=true adds the models of every job in scope', async () => {
		const team = (await call(sim, 'GET', '/v2/jobs?scope=team&include_models=true&limit=1', { key: OWNER })).json;
		expect(team.models).toEqual(['seedream-3', 'seedream-4.5', 'seedream-5-pro']);
		expect((await call(sim, 'GET', '/v2/jobs?include_models=true', { key: MEMBER })).json.models).toEqual(['seedream-5-pro']);
		expect((await call(sim, 'GET', '/v2/jobs?include_models=false', { key: MEMBER })).json).not.toHaveProperty('models');
	});
});

describe('teams and roles of keys', () => {
	test('POST /__sim/keys sets teamId and role; a bad role is refused, here and in the options', async () => {
		const sim = await start();
		try {
			const add = await call(sim, 'POST', '/__sim/keys', { body: { key: MEMBER, teamId: 'team_key_1', role: 'MEMBER' }, key: null });
			expect(add.json).toMatchObject({ teamId: 'team_key_1', role: 'MEMBER' });
			const theirs = await submit(sim, MEMBER, 'a boat', 'seedream-4');
			// The simulator's default key owns team_key_1: now it sees the member's job.
			expect(ids((await call(sim, 'GET', '/v2/jobs?scope=team')).json)).toEqual([theirs]);
			expect(ids((await call(sim, 'GET', '/v2/jobs')).json)).toEqual([]);
			expect((await call(sim, 'POST', '/__sim/keys', { body: { key: MEMBER, role: 'boss' }, key: null })).json).toEqual({
				error: 'role must be one of OWNER, ADMIN, MEMBER',
			});
			expect((await call(sim, 'POST', '/__sim/keys', { body: { key: MEMBER, teamId: 7 }, key: null })).status).toBe(400);
		} finally {
			await sim.close();
		}
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		await expect(start({ keys: [{ key: OWNER, role: 'boss' as any }] })).rejects.toThrow('role must be one of OWNER, ADMIN, MEMBER');
	});
});
