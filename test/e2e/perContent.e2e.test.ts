/**
 * Getting billed jobs back across n8n processes, in a real n8n 2.41.1 against the simulator:
 * 1. Idempotency Scope → Per Content with a binary reference, the same workflow run in two n8n
 *    instances one after the other (two processes, each uploading the file anew): one job.
 * 2. n8n's own Retry (Executions list) of a run that failed after its submits, default scope: the
 *    retry, in another process, gets back every job the failed run billed.
 */

import { RETRY_MAX_ATTEMPTS } from '../../dist/nodes/shared/constants';
import { apiframeCredential, CREDENTIAL_ID, CREDENTIAL_NAME, ROOT_DIR, type Workflow } from '../../scripts/lib/examples';
import { importWorkflows } from '../../scripts/lib/stack';
import { startSimulator, type Simulator } from '../simulator';
import { waitFor } from '../support/waiting';
import { fileHash, png, storedHash } from './storedFiles';
import { createInstance, destroyInstance, execute, importCredentials, prepareN8n, rest, start, stopAll, type ExecuteResult, type N8nInstance } from './n8n';

/** Jobs of 1.5 s; upload URLs live 12 min and the key 2.4 h on this clock: nothing expires during the test. */
const SIM = { host: '127.0.0.1', port: 0, timeScale: 0.1, latencyMs: 15_000, latencySpreadMs: 0, imageScale: 1 / 32 };
const WF = { content: 'perContentTwice', retry: 'retryAfterSubmit' };
const SEEDREAM_ID = { content: '5eed5a00-0000-4000-8000-000000000701', retry: '5eed5a00-0000-4000-8000-000000000801' };

function rowsWorkflow(id: string, seedreamId: string, rows: Array<{ prompt: string; file: Buffer }>, options: Record<string, unknown>): Workflow {
	const items = rows.map((row, i) => ({ json: { row: i + 1, prompt: row.prompt }, binary: { data: { data: row.file.toString('base64'), mimeType: 'image/png', fileName: `ref-${i + 1}.png`, fileExtension: 'png' } } }));
	const node = (nodeId: string, name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, x: number) => ({ id: nodeId, name, type, typeVersion, position: [x, 0], parameters });
	const to = (name: string) => ({ main: [[{ node: name, type: 'main', index: 0 }]] });
	return {
		id,
		name: `perContent e2e: ${id}`,
		settings: { executionOrder: 'v1' },
		nodes: [
			node(`${seedreamId}-s`, 'Start', 'n8n-nodes-base.manualTrigger', 1, {}, 0),
			node(`${seedreamId}-r`, 'Rows', 'n8n-nodes-base.code', 2, { mode: 'runOnceForAllItems', jsCode: `return ${JSON.stringify(items)};` }, 220),
			{
				...node(seedreamId, 'Seedream', 'n8n-nodes-seedream.seedream', 1, { resource: 'image', operation: 'generate', prompt: '={{ $json.prompt }}', referenceImageBinary: 'data', waitForCompletion: true, options, outputOptions: {} }, 440),
				credentials: { apiframeApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } },
			},
		],
		connections: { Start: to('Rows'), Rows: to('Seedream') },
	};
}

const CONTENT_ROWS = [{ prompt: 'the same harbour, drawn in ink', file: png('harbour photo') }];
const RETRY_ROWS = [
	{ prompt: 'row 1: the street in winter', file: png('street photo') },
	{ prompt: 'row 2: the bridge in autumn', file: png('bridge photo') },
];

const submits = (sim: Simulator) => sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/images/generate');
const uploads = (sim: Simulator) => sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/uploads');
const conflicts = (sim: Simulator) => submits(sim).filter((r) => r.status === 409);
const keyOf = (r: { headers: Record<string, string> }) => r.headers['idempotency-key'];
const seedreamItems = (runData: any): any[] => runData?.Seedream?.at(-1)?.data?.main?.[0] ?? [];
const failure = (result: ExecuteResult) => result.json?.data?.resultData?.error;

function expectSuccess(result: ExecuteResult): void {
	const error = failure(result);
	if (result.code !== 0 || error) throw new Error(`execution failed: ${error ? `${error.message} (${error.description ?? ''})` : result.stderr.slice(-2000)}`);
}

describe('billed jobs come back across n8n processes (real n8n 2.41.1)', () => {
	let sim: Simulator;
	let a: N8nInstance;
	let b: N8nInstance;

	beforeAll(async () => {
		sim = await startSimulator(SIM);
		const paths = await prepareN8n();
		[a, b] = await Promise.all([0, 1].map(() => createInstance({ packageDir: ROOT_DIR, paths })));
		const apiframe = apiframeCredential(sim.url, sim.apiKey);
		const content = rowsWorkflow(WF.content, SEEDREAM_ID.content, CONTENT_ROWS, { idempotencyScope: 'content' });
		await Promise.all([
			(async () => {
				await importCredentials(a, [apiframe]);
				await importWorkflows(a, [content, rowsWorkflow(WF.retry, SEEDREAM_ID.retry, RETRY_ROWS, {})]);
			})(),
			(async () => {
				await importCredentials(b, [apiframe]);
				await importWorkflows(b, [content]);
			})(),
		]);
	});

	beforeEach(() => sim.reset());

	afterAll(async () => {
		for (const instance of [a, b]) if (instance) await destroyInstance(instance);
		await stopAll();
		await sim?.close();
	});

	it('Per Content, one binary reference, the same workflow in two n8n instances one after the other: 1 job, the same jobId and image', async () => {
		const first = await execute(a, WF.content);
		expectSuccess(first);
		const second = await execute(b, WF.content);
		expectSuccess(second);

		const [job] = sim.jobs();
		expect(sim.jobs()).toHaveLength(1);
		expect(sim.credits(sim.apiKey)).toBe(100_000 - 4);
		const [itemA] = seedreamItems(first.json.data.resultData.runData);
		const [itemB] = seedreamItems(second.json.data.resultData.runData);
		expect([itemA.json.jobId, itemB.json.jobId]).toEqual([job.id, job.id]);
		expect(itemB.json.idempotencyKey).toBe(itemA.json.idempotencyKey);
		expect(itemB.json.idempotencyKey).toMatch(/^n8n-c-[0-9a-f]{40}-1$/);
		expect(storedHash(b, itemB)).toBe(await fileHash(job.result!.images[0]));
		expect(storedHash(b, itemB)).toBe(storedHash(a, itemA));
		// Each process uploads the file (new URL), so the second submit is a changed body under the key: one 409, then the search.
		expect(uploads(sim).map((r) => r.status)).toEqual([201, 201]);
		expect(submits(sim).map((r) => r.status)).toEqual([202, 409]);
		expect(sim.requests().filter((r) => r.method === 'GET' && r.path === '/v2/jobs' && r.query?.model !== undefined).map((r) => r.query)).toEqual([{ model: 'seedream-4.5', limit: '100' }]);
	});

	it("Retry from the Executions list of a run that failed after its submits (default scope): the retry gets both billed jobs back", async () => {
		const running = execute(a, WF.retry, { timeoutMs: 300_000 });
		// Row 1's image download answers 500 to all of the node's tries: the run fails after both submits.
		const failing = await waitFor(() => sim.jobs().find((job) => job.prompt === RETRY_ROWS[0].prompt), 120_000, 'row 1 to be submitted', 5);
		sim.injectFaults({ kind: 500, count: RETRY_MAX_ATTEMPTS, pathPrefix: `/files/${failing.id}` });
		const failed = await running;
		const billed = sim.jobs().map((job) => job.id);
		expect(billed).toHaveLength(2);
		const error = failure(failed);
		expect(error.message).toBe(`The image download from ${sim.url}/files/${failing.id}-1.jpg failed (HTTP 500)`);
		for (const id of billed) expect(error.description).toContain(id);
		const firstKeys = submits(sim).map(keyOf).sort();

		await start(a);
		const [execution] = await rest(a, 'GET', `/rest/executions?${new URLSearchParams({ filter: JSON.stringify({ workflowId: WF.retry }) })}`).then((data) => data.results);
		expect(execution.status).toBe('error');
		const retried = await rest(a, 'POST', `/rest/executions/${execution.id}/retry`, { loadWorkflow: false });

		expect(retried).toMatchObject({ status: 'success', retryOf: String(execution.id) });
		expect(sim.jobs().map((job) => job.id)).toEqual(billed);
		const items = seedreamItems(retried.data.resultData.runData);
		// Each row gets its own job back (rows are submitted at once, so creation order is not row order).
		expect(items.map((item: any) => item.json.jobId)).toEqual(RETRY_ROWS.map((row) => sim.jobs().find((job) => job.prompt === row.prompt)!.id));
		expect(items.map((item: any) => item.json.idempotencyKey).sort()).toEqual(firstKeys);
		// The retry is another process: it uploads both files anew, Apiframe answers 409 and the node finds each job.
		const retrySubmits = submits(sim).slice(firstKeys.length);
		expect(retrySubmits.map(keyOf).sort()).toEqual(firstKeys);
		expect(retrySubmits.map((r) => r.status)).toEqual([409, 409]);
		expect(conflicts(sim)).toHaveLength(2);
	});
});
