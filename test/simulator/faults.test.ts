import * as http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { http as client } from '../support/http';
import type { Simulator } from './index';
import { body, call, download, generate, runJob, start } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await start();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

/** Raw GET that reports the announced length and what really arrived. */
function rawGet(url: string): Promise<{ status: number; announced: number; received: number; complete: boolean }> {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { agent: false }, (res) => {
			let received = 0;
			res.on('data', (c: Buffer) => (received += c.length));
			const done = () => resolve({ status: res.statusCode ?? 0, announced: Number(res.headers['content-length']), received, complete: res.complete });
			res.on('close', done);
			res.on('error', () => undefined);
		});
		req.on('error', reject);
	});
}

/** Raw GET (no decoding): status, headers, the bytes that arrived, whether the body ended whole, and when. */
function rawBody(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer; complete: boolean; firstByteMs: number; closedMs: number }> {
	const t0 = Date.now();
	return new Promise((resolve, reject) => {
		const req = http.get(url, { agent: false }, (res) => {
			const chunks: Buffer[] = [];
			let firstByteMs = -1;
			res.on('data', (c: Buffer) => {
				if (firstByteMs < 0) firstByteMs = Date.now() - t0;
				chunks.push(c);
			});
			res.on('close', () =>
				resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks), complete: res.complete, firstByteMs, closedMs: Date.now() - t0 }),
			);
			res.on('error', () => undefined);
		});
		req.on('error', reject);
	});
}

describe('error faults answer before normal handling', () => {
	test('429 ×2 with a scaled Retry-After; nothing created or charged; then normal', async () => {
		const credits = sim.credits(sim.apiKey);
		// 10 simulated seconds at timeScale 0.005 → 0.05 s.
		sim.injectFaults({ kind: 429, count: 2, pathPrefix: '/v2/images/generate', retryAfterSeconds: 10 });
		for (let i = 0; i < 2; i++) {
			const r = await generate(sim, body());
			expect(r.status).toBe(429);
			expect(r.headers.get('retry-after')).toBe('0.05');
			expect(r.json.error).toEqual(expect.any(String));
		}
		expect(sim.jobs()).toHaveLength(0);
		expect(sim.credits(sim.apiKey)).toBe(credits);
		expect((await generate(sim, body())).status).toBe(202);
		expect(sim.credits(sim.apiKey)).toBe(credits - 4);
	});

	test('500 and 503 with JSON error bodies, filtered by path and method', async () => {
		sim.injectFaults({ kind: 500, count: 1, pathPrefix: '/v2/jobs', method: 'GET' });
		sim.injectFaults({ kind: 503, count: 1, pathPrefix: '/v2/jobs' });
		// Another path is not affected and does not use up the faults.
		expect((await call(sim, 'GET', '/v2/me')).status).toBe(200);
		const a = await call(sim, 'GET', '/v2/jobs');
		expect(a.status).toBe(500);
		expect(a.json).toEqual({ error: expect.any(String) });
		const b = await call(sim, 'GET', '/v2/jobs');
		expect(b.status).toBe(503);
		expect(b.json).toEqual({ error: expect.any(String) });
		expect((await call(sim, 'GET', '/v2/jobs')).status).toBe(200);
	});

	test('faults can be injected over HTTP; a bad one → 400', async () => {
		const ok = await call(sim, 'POST', '/__sim/faults', { body: { kind: 503, count: 1 }, key: null });
		expect(ok.status).toBe(200);
		expect((await call(sim, 'GET', '/v2/models')).status).toBe(503);
		expect((await call(sim, 'POST', '/__sim/faults', { body: { kind: 418, count: 1 }, key: null })).status).toBe(400);
		expect((await call(sim, 'POST', '/__sim/faults', { body: { kind: 500, count: 0 }, key: null })).status).toBe(400);
	});

	test('reset drops the connection: the client sees a network error; recorded with status 0', async () => {
		sim.injectFaults({ kind: 'reset', count: 1, pathPrefix: '/v2/images/generate' });
		await expect(generate(sim, body())).rejects.toThrow();
		expect(sim.jobs()).toHaveLength(0);
		expect((await generate(sim, body())).status).toBe(202);
		const recs = sim.requests();
		expect(recs[0]).toMatchObject({ path: '/v2/images/generate', status: 0, fault: 'reset' });
	});

	test('stall: no answer until stallMs, then the connection drops; a client timeout fires first', async () => {
		sim.injectFaults({ kind: 'stall', count: 2, pathPrefix: '/v2/me', stallMs: 300 });
		const t0 = Date.now();
		await expect(call(sim, 'GET', '/v2/me')).rejects.toThrow();
		expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
		const t1 = Date.now();
		await expect(client.get(`${sim.url}/v2/me`, { headers: { 'X-API-Key': sim.apiKey }, timeout: 50 })).rejects.toThrow();
		expect(Date.now() - t1).toBeLessThan(250);
		expect((await call(sim, 'GET', '/v2/me')).status).toBe(200);
	});
});

describe('download faults', () => {
	test('truncate-download: full Content-Length, half the bytes, then the connection drops', async () => {
		const job = await runJob(sim, body('truncate', { output_format: 'png' }));
		const url: string = job.result.images[0];
		sim.injectFaults({ kind: 'truncate-download', count: 1 });
		// An API call does not use up a download fault.
		expect((await call(sim, 'GET', `/v2/jobs/${job.id}`)).status).toBe(200);
		const cut = await rawGet(url);
		expect(cut.status).toBe(200);
		expect(cut.complete).toBe(false);
		expect(cut.received).toBe(Math.floor(cut.announced / 2));
		const full = await rawGet(url);
		expect(full.complete).toBe(true);
		expect(full.received).toBe(full.announced);
		expect(full.announced).toBe(cut.announced);
	});

	test('slow-download: the same bytes, spread over stallMs', async () => {
		const job = await runJob(sim, body('slow'));
		const url: string = job.result.images[0];
		const normal = await download(url);
		sim.injectFaults({ kind: 'slow-download', count: 1, pathPrefix: '/files/', stallMs: 300 });
		const t0 = Date.now();
		const slow = await download(url);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
		expect(slow.bytes.equals(normal.bytes)).toBe(true);
	});
});

describe('download faults of a CDN that misbehaves', () => {
	test('stall-download: full Content-Length, the first afterBytes at once, then nothing for stallMs, then the connection drops', async () => {
		const job = await runJob(sim, body('stall', { output_format: 'png' }));
		const url: string = job.result.images[0];
		const whole = await download(url);
		sim.injectFaults({ kind: 'stall-download', count: 1, afterBytes: 100, stallMs: 400 });
		const stalled = await rawBody(url);
		expect(stalled.status).toBe(200);
		expect(stalled.headers['content-length']).toBe(String(whole.bytes.length));
		expect(stalled.bytes.equals(whole.bytes.subarray(0, 100))).toBe(true);
		expect(stalled.complete).toBe(false);
		expect(stalled.firstByteMs).toBeLessThan(300);
		expect(stalled.closedMs).toBeGreaterThanOrEqual(380);
		expect(sim.requests().filter((r) => r.fault).map((r) => r.fault)).toEqual(['stall-download']);
		// One-shot: the next download is whole.
		expect((await rawBody(url)).bytes.equals(whole.bytes)).toBe(true);
	});

	test('gzip-download: Content-Encoding gzip although the client asked for nothing, Content-Length of the compressed bytes', async () => {
		const job = await runJob(sim, body('gzip'));
		const url: string = job.result.images[0];
		const whole = await download(url);
		sim.injectFaults({ kind: 'gzip-download', count: 1, pathPrefix: '/files/' });
		const gzipped = await rawBody(url);
		expect(gzipped.status).toBe(200);
		expect(gzipped.headers['content-encoding']).toBe('gzip');
		expect(gzipped.headers['content-type']).toBe('image/jpeg');
		expect(gzipped.headers['content-length']).toBe(String(gzipped.bytes.length));
		expect(gzipped.bytes.equals(whole.bytes)).toBe(false);
		expect(gunzipSync(gzipped.bytes).equals(whole.bytes)).toBe(true);
		expect((await rawBody(url)).headers['content-encoding']).toBeUndefined();
	});

	test('html-download: an HTML page under the image Content-Type', async () => {
		const job = await runJob(sim, body('html'));
		const url: string = job.result.images[0];
		sim.injectFaults({ kind: 'html-download', count: 1 });
		const page = await rawBody(url);
		expect(page.status).toBe(200);
		expect(page.headers['content-type']).toBe('image/jpeg');
		expect(page.headers['content-length']).toBe('33');
		expect(page.bytes.toString()).toBe('<html><body>Sign in</body></html>');
		expect((await rawBody(url)).bytes.subarray(0, 3).toString('hex')).toBe('ffd8ff');
	});

	test('403 and 404 on a file, by pathPrefix; the file is there again afterwards', async () => {
		const job = await runJob(sim, body('gone'));
		const url: string = job.result.images[0];
		sim.injectFaults({ kind: 403, count: 1, pathPrefix: '/files/' });
		sim.injectFaults({ kind: 404, count: 1, pathPrefix: '/files/' });
		expect((await call(sim, 'GET', `/v2/jobs/${job.id}`)).status).toBe(200);
		const forbidden = await rawBody(url);
		expect([forbidden.status, JSON.parse(forbidden.bytes.toString())]).toEqual([403, { error: 'Forbidden' }]);
		const missing = await rawBody(url);
		expect([missing.status, JSON.parse(missing.bytes.toString())]).toEqual([404, { error: 'Not found' }]);
		expect((await rawBody(url)).status).toBe(200);
		// The API call before did not use either fault up.
		expect(sim.requests().filter((r) => r.path.startsWith('/files/')).map((r) => [r.status, r.fault ?? null])).toEqual([
			[403, '403'],
			[404, '404'],
			[200, null],
		]);
	});

	test('a bad afterBytes is refused', async () => {
		const bad = await call(sim, 'POST', '/__sim/faults', { body: { kind: 'stall-download', count: 1, afterBytes: 'ten' }, key: null });
		expect([bad.status, bad.json]).toEqual([400, { error: 'afterBytes must be a number' }]);
	});
});

describe('rate limit', () => {
	test('per key: over the limit → 429 with Retry-After; files and admin not counted; free again after the window', async () => {
		const other = 'afk_other_0000000000000000000000000000000000';
		// 60 s window → 600 ms real.
		const rl = await start({ timeScale: 0.01, rateLimitPerMinute: 4, keys: [{ key: 'afk_limited_00000000000000000000000000000000' }, { key: other }] });
		try {
			const id = (await generate(rl, body())).json.jobId;
			expect((await call(rl, 'GET', `/v2/jobs/${id}`)).status).toBe(200);
			expect((await call(rl, 'GET', '/v2/me')).status).toBe(200);
			expect((await call(rl, 'GET', '/v2/jobs')).status).toBe(200);
			const limited = await call(rl, 'GET', `/v2/jobs/${id}`);
			expect(limited.status).toBe(429);
			const after = Number(limited.headers.get('retry-after'));
			expect(after).toBeGreaterThan(0);
			expect(after).toBeLessThanOrEqual(0.6);
			expect(limited.headers.get('retry-after')).toMatch(/^0\.\d+$/);
			// Another key has its own budget; admin endpoints are never limited.
			expect((await call(rl, 'GET', '/v2/me', { key: other })).status).toBe(200);
			expect((await call(rl, 'GET', '/__sim/jobs', { key: null })).status).toBe(200);
			await new Promise((r) => setTimeout(r, after * 1000 + 20));
			const job = (await call(rl, 'GET', `/v2/jobs/${id}`)).json;
			expect(job.status).toBe('COMPLETED');
			// Downloads do not count: more files than the limit, then an API call still passes.
			for (let i = 0; i < 5; i++) expect((await download(job.result.images[0])).status).toBe(200);
			expect((await call(rl, 'GET', '/v2/me')).status).toBe(200);
		} finally {
			await rl.close();
		}
	});
});

describe('admin views', () => {
	test('requests are recorded with the key masked; admin calls are not recorded', async () => {
		await generate(sim, body('recorded', { seed: 5 }), { headers: { 'Idempotency-Key': 'rec-1' } });
		await call(sim, 'GET', '/v2/jobs?limit=5');
		await call(sim, 'GET', '/__sim/jobs', { key: null });
		const recs = (await call(sim, 'GET', '/__sim/requests', { key: null })).json;
		expect(recs).toHaveLength(2);
		expect(recs[0]).toMatchObject({
			method: 'POST',
			path: '/v2/images/generate',
			status: 202,
			body: body('recorded', { seed: 5 }),
			headers: { 'x-api-key': 'afk_…0000', 'idempotency-key': 'rec-1' },
		});
		expect(recs[1]).toMatchObject({ method: 'GET', path: '/v2/jobs', query: { limit: '5' }, status: 200, body: null });
		expect(JSON.stringify(recs)).not.toContain(sim.apiKey);
		expect(sim.requests()).toEqual(recs);
	});

	test('jobs view: masked key, body, charge, idempotency key; N submits → exactly N jobs', async () => {
		for (let i = 0; i < 7; i++) await generate(sim, body(`row ${i}`), { headers: { 'Idempotency-Key': `row-${i}` } });
		await generate(sim, body('row 0'), { headers: { 'Idempotency-Key': 'row-0' } });
		const jobs = (await call(sim, 'GET', '/__sim/jobs', { key: null })).json;
		expect(jobs).toHaveLength(7);
		expect(jobs[0]).toMatchObject({ apiKeyMasked: 'afk_…0000', body: body('row 0'), chargedCredits: 4, idempotencyKey: 'row-0' });
		expect(JSON.stringify(jobs)).not.toContain(sim.apiKey);
		expect(sim.jobs().map((j) => j.id)).toEqual(jobs.map((j: { id: string }) => j.id));
	});

	test('multipart bodies are summarised', async () => {
		const form = new FormData();
		form.append('file', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])]), 'x.png');
		await client.post(`${sim.url}/v2/uploads`, form, { headers: { 'X-API-Key': sim.apiKey } });
		expect(sim.requests()[0].body).toMatch(/^<multipart \d+ bytes>$/);
	});

	test('POST /__sim/reset clears requests, jobs and faults and restores credits', async () => {
		const credits = sim.credits(sim.apiKey);
		await generate(sim, body());
		sim.injectFaults({ kind: 503, count: 5 });
		expect((await call(sim, 'POST', '/__sim/reset', { key: null })).status).toBe(200);
		expect(sim.requests()).toHaveLength(0);
		expect(sim.jobs()).toHaveLength(0);
		expect(sim.credits(sim.apiKey)).toBe(credits);
		expect((await call(sim, 'GET', '/v2/me')).status).toBe(200);
	});
});
