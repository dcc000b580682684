/**
 * n8n-nodes-seedream in a real n8n 1.123 (the maintained 1.x line, on Node 22), installed once
 * into the cache by scripts/n8n/install-1x.sh. The package is copied in as a community install
 * leaves it (package.json, index.js, dist/; no node_modules), so it runs on the host's
 * n8n-workflow 1.120: a symlink would load our own n8n-workflow 2.x and hide every 1.x difference.
 *
 * Everything goes through the REST routes the 1.x editor calls (no CLI call: each costs 5–9 s):
 * owner set-up, credentials, workflows, "Execute workflow", Stop, activation. Two simulators:
 * one with quick jobs, one whose jobs take 20 s for the Stop test.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { HOOK_WEBHOOK_ID, hookUrl, ROOT_DIR } from '../../../scripts/lib/examples';
import { startSimulator, type Simulator } from '../../simulator';
import { download, http } from '../../support/http';
import { sleep, stopwatch, waitFor } from '../../support/waiting';
import { createInstance, destroyInstance, prepareN8n, rest, start, stopAll, testCredential, type N8nInstance, type N8nLine } from '../n8n';
import {
	createCredential,
	createWorkflow,
	listAllExecutions,
	nodeItems,
	publish,
	runManually,
	waitForExecution,
	waitForExecutions,
	type CreatedCredential,
} from '../queue/rest';
import { batchWorkflow, receiveWorkflow, TRIGGER_NAME } from '../queue/workflows';

export const N8N_1X: N8nLine = { n8n: '1.123.81', node: '22.23.3', installScript: path.join(ROOT_DIR, 'scripts/n8n/install-1x.sh') };

/** 1.123 knows fewer modules than 2.x and refuses to start on an unknown name. */
const DISABLED_MODULES_1X = 'insights,mcp,chat-hub,breaking-changes';

const { timings, timed } = stopwatch();
const SLOW_JOB_MS = 20_000;
/** What the Rows node of batchWorkflow puts after `<tag> row <n>: `. */
const PROMPT = 'a lighthouse on a cliff at dawn, watercolour';
const submitsOf = (sim: Simulator) => sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/images/generate');
/** What the node's first run in an execution left: n8n 1.x keeps binary data in the execution (base64). */
const binaryBytes = (item: any): Buffer => Buffer.from(item.binary.data.data, 'base64');

describe('n8n-nodes-seedream in a real n8n 1.123', () => {
	let sim: Simulator;
	let slowSim: Simulator;
	let instance: N8nInstance;
	let quick: CreatedCredential;
	let slow: CreatedCredential;

	beforeAll(async () => {
		const paths = await timed('prepareN8n', () => prepareN8n({ line: N8N_1X }));
		// Quick jobs (1.5 s), small images: the execution data holds them as base64.
		sim = await startSimulator({ host: '127.0.0.1', port: 0, timeScale: 0.1, latencyMs: 15_000, latencySpreadMs: 0, imageScale: 1 / 16 });
		slowSim = await startSimulator({ host: '127.0.0.1', port: 0, timeScale: 1, latencyMs: SLOW_JOB_MS, latencySpreadMs: 0, imageScale: 1 / 16 });
		instance = await createInstance({
			packageDir: ROOT_DIR,
			paths,
			packageInstall: 'copy',
			ownerSetup: 'rest',
			// debug: the engine logs `Running node "Seedream" finished …` when the node's code returns.
			env: { N8N_LOG_LEVEL: 'debug', NODE_FUNCTION_ALLOW_BUILTIN: 'crypto', N8N_DISABLED_MODULES: DISABLED_MODULES_1X },
		});
		await timed('start', () => start(instance, { timeoutMs: 180_000 }));
		quick = await createCredential(instance, 'Apiframe account', 'apiframeApi', { apiKey: sim.apiKey, baseUrl: sim.url });
		slow = await createCredential(instance, 'Apiframe (20 s jobs)', 'apiframeApi', { apiKey: slowSim.apiKey, baseUrl: slowSim.url });
	});

	afterAll(async () => {
		if (instance) await destroyInstance(instance);
		await stopAll();
		await sim?.close();
		await slowSim?.close();
		console.log(`n8n 1.x e2e timings (ms): ${JSON.stringify(timings)}`);
	});

	/** POST /rest/workflows: n8n 1.x needs `active` in the body (2.x defaults it). */
	const save = (spec: ReturnType<typeof batchWorkflow>) => createWorkflow(instance, Object.assign(spec, { active: false }));

	beforeEach(() => {
		sim?.reset();
		slowSim?.reset();
	});

	it('runs on n8n 1.123 with the host n8n-workflow 1.120, not ours', async () => {
		const settings = await rest(instance, 'GET', '/rest/settings');
		expect(settings.versionCli).toBe(N8N_1X.n8n);
		const installed = path.join(instance.userFolder, '.n8n/nodes/node_modules/n8n-nodes-seedream');
		expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
		expect(fs.readdirSync(installed).sort()).toEqual(['dist', 'index.js', 'package.json']);
		// n8n puts its own module paths on NODE_PATH: the package's `require('n8n-workflow')` lands there.
		const hostWorkflow = require.resolve('n8n-workflow/package.json', { paths: [path.join(instance.paths.n8nDir, 'node_modules/n8n/dist')] });
		expect(require(hostWorkflow).version).toBe('1.120.31'); // n8n 1.123.81's own pin
	});

	it('the credential test: OK with the key; a wrong key gets the exact error, without the key in it', async () => {
		expect(await testCredential(instance, quick.id)).toEqual({ status: 'OK', message: 'Connection successful!' });
		const wrongKey = 'afk_wrong000000000000000000000000000000000';
		expect(await testCredential(instance, quick.id, { apiKey: wrongKey })).toEqual({ status: 'Error', message: 'Authorization failed - please check your credentials' });
		const statuses = sim.requests().filter((r) => r.path === '/v2/me').map((r) => r.status);
		expect(statuses[0]).toBe(200);
		expect(statuses.slice(1).length).toBeGreaterThan(0);
		expect(statuses.slice(1).every((status) => status === 401)).toBe(true);
	});

	it('Generate: 2 rows become 2 items with the JPEG files the API made, byte for byte', async () => {
		const wf = await save(batchWorkflow({ name: 'Generate two', trigger: { kind: 'manual' }, credential: quick, rows: { count: 2, tag: 'v1' } }));
		const id = await runManually(instance, wf.id, TRIGGER_NAME.manual, { withWorkflowData: true });
		const execution = await timed('generate two', () => waitForExecution(instance, id, 60_000, 250));
		expect(execution.status).toBe('success');
		const items = nodeItems(execution, 'Seedream');
		expect(items).toHaveLength(2);
		for (const [index, item] of items.entries()) {
			expect(item.json).toMatchObject({ status: 'COMPLETED', model: 'seedream-4.5', creditCost: 4, prompt: `v1 row ${index + 1}: ${PROMPT}` });
			expect(item.binary.data).toMatchObject({ mimeType: 'image/jpeg', fileExtension: 'jpg', fileName: `${item.json.jobId}-1.jpg` });
			const { bytes } = await download(String(item.json.imageUrls[0]));
			expect(bytes.length).toBeGreaterThan(1_000);
			expect(binaryBytes(item).equals(bytes)).toBe(true);
		}
		expect(sim.jobs().map((j) => j.id).sort()).toEqual(items.map((i) => i.json.jobId).sort());
	});

	it('a bad row with continue-on-fail: the exact error item, the other row still gets its image', async () => {
		const spec = batchWorkflow({
			name: 'Generate with a bad row',
			trigger: { kind: 'manual' },
			credential: quick,
			rows: { count: 2, tag: 'bad' },
			options: { guidanceScale: '={{ $json.row === 1 ? 11 : 3 }}' },
		});
		spec.nodes.find((n) => n.name === 'Seedream').onError = 'continueRegularOutput';
		const wf = await save(spec);
		const id = await runManually(instance, wf.id, TRIGGER_NAME.manual, { withWorkflowData: true });
		const execution = await timed('bad row', () => waitForExecution(instance, id, 60_000, 250));
		expect(execution.status).toBe('success');
		const [bad, good] = nodeItems(execution, 'Seedream');
		expect(bad).toMatchObject({ pairedItem: { item: 0 } });
		expect(bad.json).toEqual({
			error: 'Invalid parameter: Guidance Scale must be a number from 1 to 10 in steps of 0.5 (got 11)',
			details: { itemIndex: 0, description: 'Nothing was sent to Apiframe and nothing was charged for this item. Fix the value and run it again.' },
		});
		expect(bad.binary).toBeUndefined();
		expect(good.json).toMatchObject({ status: 'COMPLETED', prompt: `bad row 2: ${PROMPT}`, seedreamParams: { guidance_scale: 3 } });
		expect(good.binary.data.mimeType).toBe('image/jpeg');
		expect(binaryBytes(good).equals((await download(String(good.json.imageUrls[0]))).bytes)).toBe(true);
		expect(submitsOf(sim)).toHaveLength(1); // the bad row never reached the API
	});

	it('Stop ends a node waiting for 20 s jobs within 2 s; nothing is submitted after it', async () => {
		const wf = await save(batchWorkflow({ name: 'Generate slowly', trigger: { kind: 'manual' }, credential: slow, rows: { count: 2, tag: 'slow' } }));
		// The engine's debug line when the node's code has returned (or thrown): the node's real end.
		const nodeEnds = () => (fs.readFileSync(instance.logFile, 'utf8').match(/Running node "Seedream" finished/g) ?? []).length;
		const endsBefore = nodeEnds();
		const id = await runManually(instance, wf.id, TRIGGER_NAME.manual, { withWorkflowData: true });
		await waitFor(() => submitsOf(slowSim).length === 2, 30_000, 'two submits', 100);
		// Halfway through the jobs the node is in a pause between two polls of several seconds.
		await sleep(SLOW_JOB_MS / 2);
		const stoppedAt = Date.now();
		const answer = await rest(instance, 'POST', `/rest/executions/${id}/stop`);
		expect(answer).toMatchObject({ mode: 'manual', finished: false, status: 'canceled' });
		await waitFor(() => nodeEnds() > endsBefore, 15_000, 'the Seedream node to end', 20);
		timings['stop to node end'] = Date.now() - stoppedAt;
		expect(timings['stop to node end']).toBeLessThan(2_000);
		expect((await waitForExecution(instance, id, 10_000, 100)).status).toBe('canceled');
		expect(submitsOf(slowSim)).toHaveLength(2);
		expect(submitsOf(slowSim).filter((r) => Date.parse(r.at) >= stoppedAt)).toEqual([]);
	});

	it('the trigger: a signed delivery runs the workflow with the image as binary; forged and unsigned ones get 401 and run nothing', async () => {
		const receive = await save(receiveWorkflow({ name: 'Receive', webhookId: HOOK_WEBHOOK_ID, credential: quick }));
		await publish(instance, receive);
		const submit = await save(
			batchWorkflow({
				name: 'Submit without waiting',
				trigger: { kind: 'manual' },
				credential: quick,
				rows: { count: 1, tag: 'hook' },
				waitForCompletion: false,
				options: { webhookUrl: hookUrl(instance.baseUrl), webhookEvents: ['completed'] },
			}),
		);
		const submitted = await waitForExecution(instance, await runManually(instance, submit.id, TRIGGER_NAME.manual, { withWorkflowData: true }), 30_000, 250);
		expect(submitted.status).toBe('success');
		const [done] = await waitForExecutions(instance, receive.id, 1, 30_000);
		const execution = await waitForExecution(instance, String(done.id), 5_000);
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		const [job] = sim.jobs();
		expect(sim.deliveries().map((d) => ({ jobId: d.jobId, event: d.event, status: d.status, attempt: d.attempt }))).toEqual([{ jobId: job.id, event: 'completed', status: 200, attempt: 1 }]);
		const { bytes } = await download(String(job.result!.images[0]));
		const [item] = nodeItems(execution, 'Seedream Trigger');
		expect(item.json).toMatchObject({ event: 'completed', jobId: job.id, status: 'COMPLETED' });
		expect(item.binary.data.mimeType).toBe('image/jpeg');
		expect(binaryBytes(item).equals(bytes)).toBe(true);
		// The next node reads the same bytes through getBinaryDataBuffer.
		expect(nodeItems(execution, 'Read image').map((i) => i.json)).toEqual([
			{ jobId: job.id, event: 'completed', status: 'COMPLETED', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), mimeType: 'image/jpeg', binaryId: null },
		]);

		const body = JSON.stringify({ event: 'completed', jobId: 'forged-job', status: 'COMPLETED', result: { images: [`${sim.url}/files/forged.jpg`] } });
		for (const signature of ['sha256=' + 'ab'.repeat(32), undefined]) {
			const headers: Record<string, string> = { 'content-type': 'application/json', 'x-webhook-event': 'completed' };
			if (signature) headers['x-webhook-signature'] = signature;
			expect((await http.post(hookUrl(instance.baseUrl), body, { headers })).status).toBe(401);
		}
		await sleep(1_000);
		expect(await listAllExecutions(instance, receive.id)).toHaveLength(1);
	});
});
