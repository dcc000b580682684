/**
 * The Seedream node in the workflow shapes users build, in a real n8n 2.41.1 against the Apiframe
 * simulator: a Loop Over Items, Retry On Fail with a binary reference image, a sub-workflow per
 * row, one workflow in two n8n instances, a 50-row batch with one bad row, and a retried AI-agent
 * tool call. Each shape asserts what a user would check: how many jobs were billed, which
 * Idempotency-Key each submit carried, and that every row got its own image.
 *
 * Two n8n instances (A for most shapes, B for the second copy of shape 4), every workflow imported
 * with one CLI call per instance, workflows run with `n8n execute --id` as users run them headless.
 */
import { createHash } from 'crypto';

import { LOOK_FAILURES_MAX, RETRY_MAX_ATTEMPTS } from '../../dist/nodes/shared/constants';
import { apiframeCredential, ROOT_DIR } from '../../scripts/lib/examples';
import { importWorkflows } from '../../scripts/lib/stack';
import { startSimulator, type SimJob, type Simulator } from '../simulator';
import { stopwatch, waitFor } from '../support/waiting';
import { fileHash, png, sha256, storedHash } from './storedFiles';
import { startFakeOpenAi, type FakeOpenAi } from './fakeOpenAi';
import { createInstance, destroyInstance, execute, importCredentials, prepareN8n, publishWorkflow, rest, start, stop, stopAll, type ExecuteResult, type N8nInstance } from './n8n';
import { agentWorkflow, batchWorkflow, loopWorkflow, retryWorkflow, SEEDREAM_ID, subWorkflows, twinWorkflow } from './shapes/workflows';

/**
 * Jobs take 1.5 s (15 s at a tenth), so the node's first poll (2 s, n8n's real clock) finds them
 * done. Not faster: upload URLs live 2 h × timeScale and the node reuses one until 10 minutes
 * before it expires, so below 1/12 every retry would upload again and change its request body.
 */
const SIM = { host: '127.0.0.1', port: 0, timeScale: 0.1, latencyMs: 15_000, latencySpreadMs: 0, imageScale: 1 / 32 };
/**
 * Staging and production from one copied config: the same encryption key and no N8N_INSTANCE_ID, so
 * n8n derives the same instance id for both (InstanceSettings: sha256 of the key's second half).
 */
const SHARED_ENCRYPTION_KEY = 'shapes-e2e-one-config-copied-to-two-instances';
const DERIVED_INSTANCE_ID = createHash('sha256').update(SHARED_ENCRYPTION_KEY.slice(Math.round(SHARED_ENCRYPTION_KEY.length / 2))).digest('hex');
/** How often the node tries a request before the row fails (8): what n8n runs is dist/. */
const NODE_ATTEMPTS = RETRY_MAX_ATTEMPTS;
const OPENAI = { id: 'openAiStandIn001', name: 'OpenAI (local stand-in)' };
const AGENT_TOOL_ARGS = { prompt: 'A red fox curled up in fresh snow, soft morning light', aspectRatio: '16:9' };

const WF = {
	twin: 'shapesTwin',
	loop: 'shapesLoop',
	retry: 'shapesRetry',
	parent: 'shapesParent',
	child: 'shapesChild',
	batch: 'shapesBatch',
	agentRun: 'shapesAgentRun',
	agentContent: 'shapesAgentContent',
};
const prompts = (label: string, n: number) => Array.from({ length: n }, (_, i) => `${label} ${i + 1}: a lighthouse at dusk, style ${i + 1}`);
const LOOP_PROMPTS = prompts('loop', 6);
const SUB_PROMPTS = prompts('sub', 3);
const TWIN_PROMPTS = prompts('twin', 3);
/** Rows 1 and 3 carry the same file, row 2 another: two distinct files for three rows. */
const [FILE_A, FILE_B] = [png('reference A'), png('reference B')];
const RETRY_ROWS = [FILE_A, FILE_B, FILE_A].map((bytes, i) => ({
	prompt: `retry ${i + 1}: the same street in another season`,
	base64: bytes.toString('base64'),
	fileName: bytes === FILE_A ? 'a.png' : 'b.png',
}));
const BATCH_ROWS = Array.from({ length: 50 }, (_, i) => ({ prompt: `batch row ${i + 1}`, guidance: i === 36 ? 11 : 3 })); // row 37 is bad

/** The key's instance part: n8n's instance id and its address (WEBHOOK_URL here), as the README documents. */
const instancePart = (instance: N8nInstance) => sha256(`${DERIVED_INSTANCE_ID}\n${instance.env.WEBHOOK_URL}`).slice(0, 12);
/** The key the node documents for the default scope ('run'). */
const runKey = (instance: N8nInstance, workflowId: string, executionId: string, nodeId: string, run: number, item: number) =>
	`n8n-${instancePart(instance)}-${workflowId}-${executionId}-${nodeId}-r${run}-i${item}`;

const submits = (sim: Simulator) => sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/images/generate');
const uploads = (sim: Simulator) => sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/uploads');
const conflicts = (sim: Simulator) => sim.requests().filter((r) => r.status === 409);
const keyOf = (r: { headers: Record<string, string> }) => r.headers['idempotency-key'];
const sorted = <T>(list: T[]) => [...list].sort();

/** Every run of a node in `execute --rawOutput` JSON, as the items of its first output. */
const runsOf = (result: ExecuteResult, node: string): any[][] => (result.json?.data?.resultData?.runData?.[node] ?? []).map((run: any) => run.data?.main?.[0] ?? []);
const itemsOf = (result: ExecuteResult, node: string) => runsOf(result, node).flat();
/** n8n's own `$execution.id`, recorded by the Rows (or Execution) node of each shape. */
const executionIdOf = (result: ExecuteResult, node = 'Rows') => String(itemsOf(result, node)[0]?.json.executionId);
const failure = (result: ExecuteResult) => result.json?.data?.resultData?.error;
/** Each output item is the row's image: n8n stored exactly the bytes of the job's file. */
async function expectImages(instance: N8nInstance, items: any[]): Promise<void> {
	for (const item of items) {
		expect(item.binary.data).toMatchObject({ mimeType: 'image/jpeg', fileName: `${item.json.jobId}-1.jpg` });
		expect(storedHash(instance, item)).toBe(await fileHash(item.json.imageUrls[0]));
	}
}

function expectSuccess(result: ExecuteResult): void {
	const error = failure(result);
	if (result.code !== 0 || error) throw new Error(`execution failed: ${error ? `${error.message} (${error.description ?? ''})` : result.stderr.slice(-2000)}`);
}

/**
 * A failure that follows an accepted submit: as soon as the simulator has created a job matching
 * one of `picks`, the next NODE_ATTEMPTS requests under `pathPrefix + jobId` answer 500, so that
 * job's try fails after all of the node's own retries and no other request is touched.
 */
async function failJobsAfterSubmit(sim: Simulator, running: Promise<unknown>, pathPrefix: string, picks: Array<(job: SimJob) => boolean>): Promise<SimJob[]> {
	let ended = false;
	void running.finally(() => (ended = true));
	const hit: SimJob[] = [];
	await waitFor(
		() => {
			for (const [i, pick] of picks.entries()) {
				const job = hit[i] ? undefined : sim.jobs().find(pick);
				if (job) {
					sim.injectFaults({ kind: 500, count: NODE_ATTEMPTS, pathPrefix: `${pathPrefix}${job.id}` });
					hit[i] = job;
				}
			}
			if (ended && !picks.every((_, i) => hit[i])) throw new Error(`the execution ended before its jobs were created; requests:\n${requestLog(sim)}`);
			return picks.every((_, i) => hit[i]);
		},
		120_000,
		'the jobs to fail',
		5,
	);
	return hit;
}

/**
 * A failure of the wait itself: once a job matching each of `picks` exists, the next
 * NODE_ATTEMPTS × LOOK_FAILURES_MAX requests to the account's job list answer 500, so the
 * runner's looks fail twice after all their retries and every row waiting on them fails.
 */
async function failLooksAfterSubmit(sim: Simulator, running: Promise<unknown>, picks: Array<(job: SimJob) => boolean>): Promise<SimJob[]> {
	let ended = false;
	void running.finally(() => (ended = true));
	const jobs = await waitFor(
		() => {
			const found = picks.map((pick) => sim.jobs().find(pick));
			if (found.every(Boolean)) return found as SimJob[];
			if (ended) throw new Error(`the execution ended before its jobs were created; requests:\n${requestLog(sim)}`);
			return undefined;
		},
		120_000,
		'the jobs to be submitted',
		5,
	);
	sim.injectFaults({ kind: 500, count: NODE_ATTEMPTS * LOOK_FAILURES_MAX, pathPrefix: '/v2/jobs', method: 'GET' });
	return jobs;
}

/** The simulator's request log, one line per request (set SHAPES_E2E_LOG=1 to print it per shape). */
const requestLog = (sim: Simulator) =>
	sim
		.requests()
		.map((r) => `${r.at} ${r.method} ${r.path} ${r.status}${r.fault ? ' (fault)' : ''} ${keyOf(r) ?? ''} ${r.method === 'POST' ? JSON.stringify(r.body).slice(0, 240) : ''}`)
		.join('\n');

describe('Seedream in the workflow shapes users build (real n8n 2.41.1)', () => {
	const { timings, timed } = stopwatch();
	/** What each shape cost at the simulator, printed at the end. */
	const figures: Record<string, Record<string, number>> = {};
	const note = (shape: string) => {
		figures[shape] = { jobs: sim.jobs().length, submits: submits(sim).length, uploads: uploads(sim).length, requests: sim.requests().length, conflicts: conflicts(sim).length };
		if (process.env.SHAPES_E2E_LOG) console.log(`${shape}:\n${requestLog(sim)}`);
	};
	let sim: Simulator;
	let openAi: FakeOpenAi;
	let a: N8nInstance;
	let b: N8nInstance;
	const [parent, child] = subWorkflows(WF.parent, WF.child, SUB_PROMPTS);

	beforeAll(async () => {
		sim = await startSimulator(SIM);
		openAi = await startFakeOpenAi(AGENT_TOOL_ARGS);
		const paths = await prepareN8n();
		// Separate user folders and databases; one encryption key, so one instance id.
		[a, b] = await Promise.all([0, 1].map(() => createInstance({ packageDir: ROOT_DIR, paths, env: { N8N_ENCRYPTION_KEY: SHARED_ENCRYPTION_KEY } })));
		const apiframe = apiframeCredential(sim.url, sim.apiKey);
		await Promise.all([
			timed('setup A', async () => {
				await importCredentials(a, [apiframe, { ...OPENAI, type: 'openAiApi', data: { apiKey: 'sk-local-stand-in', url: openAi.url } }]);
				await importWorkflows(a, [
					twinWorkflow(WF.twin, TWIN_PROMPTS),
					loopWorkflow(WF.loop, LOOP_PROMPTS),
					retryWorkflow(WF.retry, RETRY_ROWS),
					parent,
					child,
					batchWorkflow(WF.batch, BATCH_ROWS),
					agentWorkflow(WF.agentRun, OPENAI, 'run'),
					agentWorkflow(WF.agentContent, OPENAI, 'content'),
				]);
				// `n8n execute` (mode cli) calls the published sub-workflow. A CLI publish only marks it;
				// a running server applies the publication (asynchronously): start it, wait until n8n
				// reports the sub-workflow published (what the editor shows), and stop it.
				await publishWorkflow(a, WF.child);
				await start(a);
				const published = async () => (await rest(a, 'GET', `/rest/workflows/${WF.child}/publication-status`)).status === 'published';
				await waitFor(published, 60_000, 'n8n to publish the sub-workflow', 250);
				await stop(a);
			}),
			timed('setup B', async () => {
				await importCredentials(b, [apiframe]);
				await importWorkflows(b, [twinWorkflow(WF.twin, TWIN_PROMPTS)]);
			}),
		]);
	});

	beforeEach(() => sim.reset());

	afterAll(async () => {
		for (const instance of [a, b]) if (instance) await destroyInstance(instance); // also removes its user folder
		await stopAll();
		await sim?.close();
		await openAi?.close();
		console.log(`shapes e2e timings (ms): ${JSON.stringify(timings)}\nper shape: ${JSON.stringify(figures, null, 1)}`);
	});

	// First on purpose: both instances must be at their first execution (id 1), the case where
	// workflow id, node id and execution id all coincide and only the instance tells them apart.
	it('one workflow, same ids, in two n8n instances sharing an Apiframe account: each gets its own jobs', async () => {
		const [ra, rb] = await timed('twin', () => Promise.all([execute(a, WF.twin), execute(b, WF.twin)]));
		note('two instances');
		expectSuccess(ra);
		expectSuccess(rb);
		expect([executionIdOf(ra), executionIdOf(rb)]).toEqual(['1', '1']);
		expect([a.env.N8N_ENCRYPTION_KEY, b.env.N8N_ENCRYPTION_KEY, a.env.N8N_INSTANCE_ID, b.env.N8N_INSTANCE_ID]).toEqual([SHARED_ENCRYPTION_KEY, SHARED_ENCRYPTION_KEY, undefined, undefined]);
		const expected = (instance: N8nInstance) => TWIN_PROMPTS.map((_, i) => runKey(instance, WF.twin, '1', SEEDREAM_ID.twin, 0, i));
		expect(sim.jobs()).toHaveLength(2 * TWIN_PROMPTS.length);
		expect(conflicts(sim)).toEqual([]);
		expect(sorted(submits(sim).map(keyOf))).toEqual(sorted([...expected(a), ...expected(b)]));
		// The keys differ exactly in the instance part: the same id, another address.
		const [partA, partB] = [a, b].map(instancePart);
		expect(partA).not.toBe(partB);
		expect(expected(a).map((k) => k.replace(`n8n-${partA}-`, `n8n-${partB}-`))).toEqual(expected(b));
		for (const [result, instance] of [[ra, a], [rb, b]] as const) {
			const out = itemsOf(result, 'Seedream');
			expect(out.map((item) => item.json.idempotencyKey)).toEqual(expected(instance));
			expect(out.map((item) => item.json.prompt)).toEqual(TWIN_PROMPTS);
			await expectImages(instance, out);
		}
		expect(new Set([...itemsOf(ra, 'Seedream'), ...itemsOf(rb, 'Seedream')].map((item) => item.json.jobId)).size).toBe(6);
	});

	it('Loop Over Items (batches of 2) over 6 rows: 6 jobs, 6 different images, one key per run and row', async () => {
		const result = await timed('loop', () => execute(a, WF.loop));
		note('loop');
		expectSuccess(result);
		const executionId = executionIdOf(result);
		const runs = runsOf(result, 'Seedream');
		expect(runs.map((items) => items.length)).toEqual([2, 2, 2]);
		const jobs = sim.jobs();
		expect(jobs).toHaveLength(6);
		expect(new Set(jobs.map((j) => j.id)).size).toBe(6);
		expect(conflicts(sim)).toEqual([]);
		// Run r, row i of the loop is prompt 2r+i, under the key of run r and row i.
		const expected = LOOP_PROMPTS.map((prompt, n) => ({ prompt, key: runKey(a, WF.loop, executionId, SEEDREAM_ID.loop, Math.floor(n / 2), n % 2) }));
		expect(sorted(submits(sim).map(keyOf))).toEqual(sorted(expected.map((e) => e.key)));
		expect(runs.flat().map((item) => ({ prompt: item.json.prompt, key: item.json.idempotencyKey }))).toEqual(expected);
		for (const item of runs.flat()) expect(jobs.find((j) => j.id === item.json.jobId)?.idempotencyKey).toBe(item.json.idempotencyKey);
		const hashes = await Promise.all(runs.flat().map((item) => fileHash(item.json.imageUrls[0])));
		expect(new Set(hashes).size).toBe(6);
	});

	it('Retry On Fail with a binary reference: the retry reuses the upload, the key and the job', async () => {
		const run = timed('retry', () => execute(a, WF.retry, { timeoutMs: 300_000 }));
		// The first job's image download fails 8 times (the node's own retries), so n8n's first try fails.
		const [failed] = await failJobsAfterSubmit(sim, run, '/files/', [() => true]);
		const result = await run;
		note('retry on fail');
		expectSuccess(result);
		const executionId = executionIdOf(result);
		const jobs = sim.jobs();
		expect(jobs).toHaveLength(3);
		expect(uploads(sim).map((u) => u.status)).toEqual([201, 201]); // one upload per distinct file
		expect(conflicts(sim)).toEqual([]);
		const fileGets = sim.requests().filter((r) => r.path === `/files/${failed.id}-1.jpg`);
		expect(fileGets.map((r) => r.status)).toEqual([...Array(NODE_ATTEMPTS).fill(500), 200]);
		// Both tries of every row sent the identical body under the identical key.
		const sent = submits(sim);
		expect(sent).toHaveLength(6);
		const expectedKeys = RETRY_ROWS.map((_, i) => runKey(a, WF.retry, executionId, SEEDREAM_ID.retry, 0, i));
		expect(sorted(jobs.map((j) => j.idempotencyKey))).toEqual(sorted(expectedKeys)); // one job per row
		for (const key of expectedKeys) {
			const bodies = sent.filter((r) => keyOf(r) === key).map((r) => JSON.stringify(r.body));
			expect(bodies).toHaveLength(2);
			expect(bodies[1]).toBe(bodies[0]);
		}
		// Rows 1 and 3 share a file, so they share its upload URL; row 2 has its own.
		const referenceOf = (key: string) => (sent.find((r) => keyOf(r) === key)!.body as any).seedreamParams.image_input;
		const [ref1, ref2, ref3] = expectedKeys.map(referenceOf);
		expect(ref1).toEqual(ref3);
		expect(ref1).toHaveLength(1);
		expect(ref2).not.toEqual(ref1);
		const out = itemsOf(result, 'Seedream');
		expect(out.map((item) => item.json.idempotencyKey)).toEqual(expectedKeys);
		expect(sorted(out.map((item) => item.json.jobId))).toEqual(sorted(jobs.map((j) => j.id)));
		await expectImages(a, out);
	});

	it('a sub-workflow per row (Execute Workflow, once for each item): 3 jobs, 3 keys, 3 images back', async () => {
		const result = await timed('sub-workflow', () => execute(a, WF.parent));
		note('sub-workflow');
		expectSuccess(result);
		const out = itemsOf(result, 'Execute Workflow');
		expect(out).toHaveLength(3);
		// Each row ran in an execution of its own: its id is in the key, at run 0 and row 0.
		const subExecutions = out.map((item) => String(item.metadata?.subExecution?.executionId));
		expect(new Set(subExecutions).size).toBe(3);
		const expectedKeys = subExecutions.map((id) => runKey(a, WF.child, id, SEEDREAM_ID.sub, 0, 0));
		expect(sim.jobs()).toHaveLength(3);
		expect(conflicts(sim)).toEqual([]);
		expect(submits(sim).map(keyOf)).toEqual(expectedKeys);
		expect(out.map((item) => item.json.idempotencyKey)).toEqual(expectedKeys);
		expect(out.map((item) => item.json.prompt)).toEqual(SUB_PROMPTS);
		await expectImages(a, out); // the sub-workflows' files, handed back to the parent
	});

	it('50 rows with a bad Guidance Scale in row 37, On Error = stop: the execution fails and nothing is sent', async () => {
		const result = await timed('batch', () => execute(a, WF.batch));
		note('50 rows, one bad');
		expect(result.code).toBe(1);
		expect(failure(result)?.message).toBe('Invalid parameter: Guidance Scale must be a number from 1 to 10 in steps of 0.5 (got 11)');
		expect(failure(result)).toMatchObject({ context: { itemIndex: 36 }, description: expect.stringContaining('Nothing was sent to Apiframe') });
		expect(sim.jobs()).toHaveLength(0);
		expect(submits(sim)).toHaveLength(0);
		expect(sim.requests()).toHaveLength(0); // the whole batch is checked before the first request
	});

	it('an AI agent tool call retried after its submit was accepted: scope run submits again, scope content reuses the job', async () => {
		// One workflow after the other (each `n8n execute` is a process of its own, with its own looks):
		// once its first job is billed, two looks at the account's job list fail after all of the node's
		// retries, so the tool's first try fails (the tool returns URLs: no download could).
		const isContent = (j: SimJob) => j.idempotencyKey?.startsWith('n8n-c-') ?? false;
		const tryOnce = async (workflowId: string, pick: (job: SimJob) => boolean) => {
			const running = execute(a, workflowId, { timeoutMs: 300_000 });
			const [first] = await failLooksAfterSubmit(sim, running, [pick]);
			return { first, result: await running };
		};
		const { first: firstRun, result: run } = await timed('agent (run scope)', () => tryOnce(WF.agentRun, (j) => !isContent(j)));
		const { first: firstContent, result: content } = await timed('agent (content scope)', () => tryOnce(WF.agentContent, isContent));
		note('agent tool (both scopes)');
		expectSuccess(run);
		expectSuccess(content);
		expect(conflicts(sim)).toEqual([]);
		const answer = (result: ExecuteResult): string => itemsOf(result, 'AI Agent')[0].json.output;
		const failedLooks = sim.requests().filter((r) => r.path === '/v2/jobs' && r.status === 500);

		// Scope 'run': n8n gives the retry run index 1, so it is a new key and a second job.
		const runJobs = sim.jobs().filter((j) => !isContent(j));
		const keysOfRun = (runIndex: number) => runKey(a, WF.agentRun, executionIdOf(run, 'Execution'), SEEDREAM_ID.tool, runIndex, 0);
		expect(runJobs.map((j) => j.idempotencyKey)).toEqual([keysOfRun(0), keysOfRun(1)]);
		expect(submits(sim).filter((r) => !keyOf(r).startsWith('n8n-c-')).map(keyOf)).toEqual([keysOfRun(0), keysOfRun(1)]);
		expect(runJobs[0].id).toBe(firstRun.id);
		expect(failedLooks).toHaveLength(2 * NODE_ATTEMPTS * LOOK_FAILURES_MAX); // each workflow's first wait
		expect(answer(run)).toContain(runJobs[1].result!.images[0]);

		// Scope 'content': the retry sends the same body under the same key and gets the first job back.
		const contentJobs = sim.jobs().filter(isContent);
		expect(contentJobs.map((j) => j.id)).toEqual([firstContent.id]);
		const contentSubmits = submits(sim).filter((r) => keyOf(r).startsWith('n8n-c-'));
		expect(contentSubmits).toHaveLength(2);
		expect(keyOf(contentSubmits[1])).toBe(keyOf(contentSubmits[0]));
		expect(JSON.stringify(contentSubmits[1].body)).toBe(JSON.stringify(contentSubmits[0].body));
		expect(keyOf(contentSubmits[0])).toMatch(/^n8n-c-[0-9a-f]{40}-1$/);
		expect(answer(content)).toContain(contentJobs[0].result!.images[0]);
		// Both tries show in n8n's run data of the tool: the failed one and the retry.
		expect(runsOf(run, 'Seedream')).toHaveLength(2);
		expect(runsOf(content, 'Seedream')).toHaveLength(2);
	});
});
