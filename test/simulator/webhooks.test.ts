import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhook, type Simulator } from './index';
import { body, call, generate, receiver, start, waitFor, waitForJob } from './helpers';

/** An independent verifier, written from the contract, not from the simulator's code. */
function verify(apiKey: string, raw: Buffer, header: string): boolean {
	const key = createHash('sha256').update(apiKey).digest();
	const expected = Buffer.from(createHmac('sha256', key).update(raw).digest('hex'));
	const got = Buffer.from(header.replace(/^sha256=/, ''));
	return got.length === expected.length && timingSafeEqual(got, expected);
}

test('signature test vector from the contract', () => {
	expect(signWebhook('afk_0000000000000000000000000000000000000000', '{"jobId":"abc","status":"COMPLETED"}')).toBe(
		'sha256=58e6d7af820911d918b1b43ade255ec260002ca8b24ba46dd057a99d192c89f4',
	);
});

describe('deliveries', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await start({ timeScale: 0.01 });
	});
	afterAll(() => sim.close());

	test('default events: one signed "completed" POST with the contract payload; webhookStatus delivered', async () => {
		const rx = await receiver();
		try {
			const r = await generate(sim, body('hooked', undefined, { webhookUrl: rx.url }));
			const id = r.json.jobId;
			expect((await call(sim, 'GET', `/v2/jobs/${id}`)).json.webhookStatus).toBe('pending');
			const job = await waitForJob(sim, id);
			await waitFor(() => rx.got.length >= 1, 3000, 'delivery');
			const got = rx.got[0];
			expect(got.headers['content-type']).toBe('application/json');
			expect(got.headers['x-webhook-event']).toBe('completed');
			expect(verify(sim.apiKey, got.raw, String(got.headers['x-webhook-signature']))).toBe(true);
			expect(String(got.headers['x-webhook-signature'])).toMatch(/^sha256=[0-9a-f]{64}$/);
			expect(verify('afk_some_other_key_0000000000000000000000000', got.raw, String(got.headers['x-webhook-signature']))).toBe(false);
			expect(JSON.parse(got.raw.toString())).toEqual({
				event: 'completed',
				jobId: id,
				status: 'COMPLETED',
				progress: 100,
				result: { images: job.result.images },
				model: 'seedream-4.5',
				creditCost: 4,
				completedAt: job.completedAt,
			});
			const settled = await waitFor(async () => {
				const j = (await call(sim, 'GET', `/v2/jobs/${id}`)).json;
				return j.webhookStatus !== 'pending' ? j : undefined;
			}, 3000, 'webhookStatus');
			expect(settled.webhookStatus).toBe('delivered');
			expect(rx.got).toHaveLength(1);
		} finally {
			await rx.close();
		}
	});

	test('progress events, in order, before completed', async () => {
		const rx = await receiver();
		try {
			const r = await generate(sim, body('progress', undefined, { webhookUrl: rx.url, webhookEvents: ['progress', 'completed'] }));
			await waitFor(() => rx.got.some((g) => g.headers['x-webhook-event'] === 'completed'), 3000, 'completed');
			const events = rx.got.map((g) => JSON.parse(g.raw.toString()));
			const progress = events.filter((e) => e.event === 'progress');
			expect(progress.length).toBeGreaterThanOrEqual(2);
			expect(progress[0]).toEqual({ event: 'progress', jobId: r.json.jobId, status: 'PROCESSING', progress: expect.any(Number), model: 'seedream-4.5' });
			const values = progress.map((e) => e.progress);
			expect([...values].sort((a, b) => a - b)).toEqual(values);
			expect(values.every((v) => v > 0 && v < 100)).toBe(true);
			expect(events[events.length - 1].event).toBe('completed');
			for (const g of rx.got) expect(verify(sim.apiKey, g.raw, String(g.headers['x-webhook-signature']))).toBe(true);
		} finally {
			await rx.close();
		}
	});

	test('a failed job sends "failed" with the error; not sent when only "completed" is subscribed', async () => {
		const rx = await receiver();
		try {
			const a = await generate(sim, body('[[fail]] a', undefined, { webhookUrl: rx.url }));
			const b = await generate(sim, body('[[fail]] b', undefined, { webhookUrl: rx.url, webhookEvents: ['completed'] }));
			await waitForJob(sim, b.json.jobId);
			await waitFor(() => rx.got.length >= 1, 3000, 'failed delivery');
			expect(rx.got[0].headers['x-webhook-event']).toBe('failed');
			expect(JSON.parse(rx.got[0].raw.toString())).toEqual({
				event: 'failed',
				jobId: a.json.jobId,
				status: 'FAILED',
				error: expect.stringMatching(/^Content policy violation/),
				model: 'seedream-4.5',
			});
			await waitFor(async () => (await call(sim, 'GET', `/v2/jobs/${b.json.jobId}`)).json.webhookStatus === 'delivered', 3000, 'settle');
			expect(rx.got).toHaveLength(1);
		} finally {
			await rx.close();
		}
	});
});

describe('retries', () => {
	test('non-2xx answers are retried with backoff until delivered', async () => {
		// Backoff 1 s, 2 s, 4 s → 20, 40, 80 ms real.
		const sim = await start({ timeScale: 0.02 });
		const rx = await receiver((n) => (n < 2 ? 500 : 204));
		try {
			const r = await generate(sim, body('retry', undefined, { webhookUrl: rx.url }));
			await waitFor(async () => (await call(sim, 'GET', `/v2/jobs/${r.json.jobId}`)).json.webhookStatus === 'delivered', 5000, 'delivered');
			expect(rx.got).toHaveLength(3);
			expect(rx.got[1].at - rx.got[0].at).toBeGreaterThanOrEqual(18);
			expect(rx.got[2].at - rx.got[1].at).toBeGreaterThanOrEqual(38);
			// Every attempt carries the same bytes and signature.
			expect(rx.got[2].raw.equals(rx.got[0].raw)).toBe(true);
			const d = sim.deliveries();
			expect(d.map((x) => [x.attempt, x.status])).toEqual([[1, 500], [2, 500], [3, 204]]);
			const viaHttp = (await call(sim, 'GET', '/__sim/deliveries', { key: null })).json;
			expect(viaHttp.map((x: { attempt: number }) => x.attempt)).toEqual([1, 2, 3]);
			expect(sim.jobs()[0].deliveries).toHaveLength(3);
		} finally {
			await rx.close();
			await sim.close();
		}
	});

	test('a dead receiver: 1 + webhookRetries attempts, then webhookStatus failed', async () => {
		const sim = await start({ timeScale: 0.005, webhookRetries: 2 });
		// A port that was just free: connections are refused.
		const probe = http.createServer();
		await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
		const { port } = probe.address() as AddressInfo;
		await new Promise<void>((r) => probe.close(() => r()));
		try {
			const r = await generate(sim, body('dead', undefined, { webhookUrl: `http://127.0.0.1:${port}/hook` }));
			const job = await waitFor(async () => {
				const j = (await call(sim, 'GET', `/v2/jobs/${r.json.jobId}`)).json;
				return j.webhookStatus === 'failed' ? j : undefined;
			}, 5000, 'failed');
			expect(job.status).toBe('COMPLETED');
			const d = sim.deliveries();
			expect(d).toHaveLength(3);
			expect(d.every((x) => x.error && x.status === undefined)).toBe(true);
		} finally {
			await sim.close();
		}
	});
});
