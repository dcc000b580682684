import { createHash } from 'node:crypto';

import { HARNESS_BASE_URL } from '../../harness/additional-data';
import { generateParameters, rows, runSeedream, submitsOf, useSimulator } from '../../support/seedream';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** n8n's instance id in the harness (derived from its encryption key, as InstanceSettings does) and its address. */
const HARNESS_KEY = 'n8n-harness-test-key';
const harnessInstance = sha256(`${sha256(HARNESS_KEY.slice(Math.round(HARNESS_KEY.length / 2)))}\n${HARNESS_BASE_URL}`).slice(0, 12);
const expectedKey = (executionId: string, item: number, run = 0) => `n8n-${harnessInstance}-harness-workflow-${executionId}-seedream-node-1-r${run}-i${item}`;
const prompts = (n: number) => Array.from({ length: n }, (_, i) => `a harbour crane, study ${i + 1}`);
const png = Buffer.from(
	'89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
	'hex',
);

describe('a batch of rows through n8n: billed once, never for nothing', () => {
	const sim = useSimulator({ maxConcurrentJobs: 10 });

	it('each row is submitted under a key of instance, workflow, execution, node, run and item', async () => {
		const result = await runSeedream({ sim, executionId: '731', parameters: generateParameters(), items: rows(prompts(3)) });
		expect(submitsOf(sim).map((r) => r.headers['idempotency-key']).sort()).toEqual([0, 1, 2].map((i) => expectedKey('731', i)));
		expect(result.output('Seedream').map((item) => item.json.idempotencyKey)).toEqual([0, 1, 2].map((i) => expectedKey('731', i)));
	});

	it('50 rows with one bad row and continue-on-fail off: the node fails naming the field, and 0 jobs are created', async () => {
		const items = rows(prompts(50), (i) => ({ guidance: i === 36 ? 11 : 3 }));
		const result = await runSeedream({ sim, parameters: generateParameters({ options: { guidanceScale: '={{ $json.guidance }}' } }), items });
		expect(result.error?.message).toBe('Invalid parameter: Guidance Scale must be a number from 1 to 10 in steps of 0.5 (got 11)');
		expect(sim.requests().filter((r) => r.method === 'POST')).toHaveLength(0);
		expect(sim.jobs()).toHaveLength(0);
	});

	it('a row failing after submit stops the batch: rows not yet submitted are never billed, the error lists the jobs created', async () => {
		const items = rows(['a forbidden scene [[fail]]', 'a slow study [[slow]]', 'row three', 'row four', 'row five', 'row six']);
		const result = await runSeedream({ sim, parameters: generateParameters({ outputOptions: { maxRunningJobs: 2 } }), items });
		const failed = sim.jobs().find((job) => job.status === 'FAILED')!;
		const slow = sim.jobs().find((job) => job.prompt === 'a slow study [[slow]]')!;
		expect(sim.jobs()).toHaveLength(2);
		expect(result.error?.message).toBe(`Seedream job ${failed.id} failed: Content policy violation: the prompt was flagged by the provider's safety filter`);
		expect(result.error?.description).toBe(
			'Apiframe refunds the credits of failed jobs. Change the prompt or parameters and run the item again.\n' +
				`The other rows were stopped; rows not yet submitted were not submitted. Jobs already created (billed; collect them with Job → Wait): ${slow.id}`,
		);
	});

	it('a retried row whose job FAILED gets a new attempt, not the failed job again', async () => {
		const result = await runSeedream({
			sim,
			executionId: '88',
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
			parameters: generateParameters(),
			items: rows(['a forbidden scene [[fail]]']),
		});
		const key = expectedKey('88', 0);
		expect(submitsOf(sim).map((r) => r.headers['idempotency-key'])).toEqual([key, key, `${key}-a2`]);
		expect(sim.jobs()).toHaveLength(2);
		expect(sim.jobs().every((job) => job.status === 'FAILED' && job.refunded)).toBe(true);
		expect(result.error?.message).toBe(`Seedream job ${sim.jobs()[1].id} failed: Content policy violation: the prompt was flagged by the provider's safety filter`);
		expect(sim.credits(sim.apiKey)).toBe(100000);
	});

	it('two rows sharing a custom Idempotency Key: the later row fails before anything is sent, the others run', async () => {
		const result = await runSeedream({
			sim,
			continueOnFail: true,
			parameters: generateParameters({ options: { idempotencyKey: '={{ $json.sku }}' } }),
			items: rows(['a red mug', 'a blue mug', 'a green mug'], (i) => ({ sku: ['mug-1', 'mug-2', 'mug-1'][i] })),
		});
		const output = result.output('Seedream');
		expect(output[2].json.error).toBe(
			'Invalid parameter: Idempotency Key must differ from the key of item 0 (two rows with one key would get one job) (got "mug-1")',
		);
		expect(output.slice(0, 2).map((item) => item.json.idempotencyKey)).toEqual(['mug-1', 'mug-2']);
		expect(submitsOf(sim).map((r) => r.headers['idempotency-key']).sort()).toEqual(['mug-1', 'mug-2']);
	});

	it('by content: running the same rows again in a new execution reuses every job, identical rows keep their own', async () => {
		const parameters = generateParameters({ options: { idempotencyScope: 'content' } });
		const items = rows(['a teapot', 'a teapot', 'a kettle']);
		const first = await runSeedream({ sim, executionId: '1', parameters, items });
		const again = await runSeedream({ sim, executionId: '2', parameters, items });
		const firstJobs = first.output('Seedream').map((item) => item.json.jobId);
		expect(new Set(firstJobs).size).toBe(3);
		expect(again.output('Seedream').map((item) => item.json.jobId)).toEqual(firstJobs);
		expect(sim.jobs()).toHaveLength(3);
		const keys = first.output('Seedream').map((item) => String(item.json.idempotencyKey));
		expect(keys[0]).toMatch(/^n8n-c-[0-9a-f]{40}-1$/);
		expect(keys[1]).toBe(keys[0].replace(/-1$/, '-2'));
		expect(keys[2]).toMatch(/^n8n-c-[0-9a-f]{40}-1$/);
	});

	it("Retry On Fail with a binary reference: the file is uploaded once, the retry sends the identical body, one job", async () => {
		sim.injectFaults({ kind: 500, count: 8, pathPrefix: '/files/' });
		const result = await runSeedream({
			sim,
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
			parameters: generateParameters({ referenceImageBinary: 'photo' }),
			items: [{ json: { prompt: 'the same scene in ink' }, binary: { photo: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'photo.png' } } }],
		});
		expect(result.output('Seedream')[0].binary!.data).toBeDefined();
		expect(sim.requests().filter((r) => r.path === '/v2/uploads')).toHaveLength(1);
		const [first, retry] = submitsOf(sim);
		expect(retry.body).toEqual(first.body);
		expect(retry.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
		expect(sim.jobs()).toHaveLength(1);
	});

	it('more than 14 references, URLs and files together, fail before any upload', async () => {
		const urls = Array.from({ length: 14 }, (_, i) => `https://example.com/ref-${i}.jpg`).join(',');
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ referenceImageBinary: 'photo', referenceImageUrls: urls }),
			items: [{ json: { prompt: 'a collage' }, binary: { photo: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'photo.png' } } }],
		});
		expect(result.error?.message).toBe('Invalid parameter: Reference Images must be at most 14 (got "15 images (URLs and binary properties together)")');
		expect(sim.requests().filter((r) => r.method === 'POST')).toHaveLength(0);
	});

	it('a Base URL pasted with /v2/ works for every operation, routed or not', async () => {
		const baseUrl = `${sim.url}/v2/`;
		const credentials = { apiKey: sim.apiKey, baseUrl };
		const generated = await runSeedream({ sim, credentials, parameters: generateParameters(), items: rows(['a lantern']) });
		expect(generated.output('Seedream')[0].binary!.data).toBeDefined();
		const account = await runSeedream({ sim, credentials, parameters: { resource: 'account', operation: 'get' } });
		expect(account.output('Seedream')[0].json).toMatchObject({ team: { credits: 100000 - 4 } });
		const listed = await runSeedream({ sim, credentials, parameters: { resource: 'job', operation: 'getAll', limit: 5 } });
		expect(listed.output('Seedream')).toHaveLength(1);
		expect(sim.requests().filter((r) => r.path.startsWith('/v2/v2') || !r.path.startsWith('/v2/')).map((r) => r.path)).toEqual([
			expect.stringMatching(/^\/files\//),
		]);
	});

	it("a user's Stop ends the waits at once, reports no error and sends nothing afterwards", async () => {
		const stop = new AbortController();
		const running = runSeedream({ sim, abortSignal: stop.signal, parameters: generateParameters(), items: rows(['a stuck job [[stuck]]']) });
		await new Promise((resolve) => setTimeout(resolve, 300));
		stop.abort();
		const result = await running;
		await result.engineSettled;
		// A look at the account in flight at the Stop (one every 5 ms on this clock) may reach the simulator a moment later.
		await new Promise((resolve) => setTimeout(resolve, 100));
		const requestsAtStop = sim.requests().length;
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(result.status).toBe('canceled');
		expect(sim.jobs()).toHaveLength(1);
		expect(result.runData.Seedream?.[0]?.error).toBeUndefined();
		expect(sim.requests().length).toBe(requestsAtStop);
	});
});
