/**
 * n8n-nodes-seedream in n8n's queue mode, for real: a Postgres cluster and a Redis of our own, one
 * main (`n8n start`), two workers (`n8n worker --concurrency=10`) and one webhook process
 * (`n8n webhook`), all started here and stopped in afterAll (scripts/queue/stack.ts), against
 * Apiframe simulators in this jest process. Workflows are created, published and run through the
 * main's REST API, as the editor does; production runs arrive on the webhook process; workers run
 * every execution (manual runs too: OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true).
 *
 *   npm run build && npx jest -c test/e2e/jest.e2e.config.js test/e2e/queue-mode
 *
 * Figures (start-up, executions per worker, jobs in flight, the killed worker's execution) are
 * printed at the end and written to test-artifacts/queue-mode-figures.json.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { startQueueStack, type QueueStack } from '../../scripts/queue/stack';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator';
import { download, http } from '../support/http';
import { imageSize } from '../support/imageSize';
import { sleep, stopwatch, waitFor } from '../support/waiting';
import { listExecutions, prepareN8n, type N8nInstance } from './n8n';
import { jobLogFigures, noticeFigures } from './queue/jobLog';
import {
	callWebhook,
	createCredential,
	createWorkflow,
	downloadBinary,
	getExecution,
	listAllExecutions,
	nodeItems,
	publish,
	runManually,
	waitForExecution,
	waitForExecutions,
	type CreatedCredential,
	type Execution,
} from './queue/rest';
import { batchWorkflow, collectWorkflow, receiveWorkflow, TRIGGER_NAME } from './queue/workflows';

const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');
const { timings, timed } = stopwatch();
const figures: Record<string, any> = {};

/**
 * Jobs of ~1.5 s (15 s ± 3 s simulated, time scale 0.1). Images at 1/32 scale (64 px) where only
 * their identity matters; the 200-row batch at 1/4 (512×512 JPEG) so real image files of some
 * tens of KB go through n8n's database binary store and back out of the REST API.
 */
const SIM: SimulatorOptions = { host: '127.0.0.1', port: 0, timeScale: 0.1, latencyMs: 15_000, latencySpreadMs: 3_000, imageScale: 1 / 32 };
const CREDITS = 100_000;
const PER_IMAGE = 4;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const promptOf = (tag: string, row: number) => `${tag} row ${row}: a lighthouse on a cliff at dawn, watercolour`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			while (next < items.length) {
				const i = next++;
				out[i] = await fn(items[i], i);
			}
		}),
	);
	return out;
}

async function cdnBytes(url: string): Promise<Buffer> {
	const res = await download(url, { timeout: 30_000 });
	if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
	return res.bytes;
}

/** The one execution a webhook call started (the list is newest first). */
async function newExecution(main: N8nInstance, workflowId: string, known: Set<string>, timeoutMs = 30_000): Promise<string> {
	return await waitFor(
		async () => (await listExecutions(main, { workflowId })).map((e) => String(e.id)).find((id) => !known.has(id)),
		timeoutMs,
		`a new execution of ${workflowId}`,
		250,
	);
}

describe('n8n-nodes-seedream in n8n 2.41.1 queue mode (main + 2 workers + webhook process, Postgres, Redis)', () => {
	let stack: QueueStack | undefined;
	let main: N8nInstance;
	const sims: Record<'batch' | 'hook' | 'cap' | 'kill', Simulator | undefined> = { batch: undefined, hook: undefined, cap: undefined, kill: undefined };
	const creds: Partial<Record<keyof typeof sims, CreatedCredential>> = {};
	const sim = (name: keyof typeof sims) => sims[name]!;

	beforeAll(async () => {
		const paths = await timed('prepareN8n', () => prepareN8n());
		// One simulator (so one account, one job log) per test.
		sims.batch = await startSimulator({ ...SIM, imageScale: 1 / 4 });
		sims.hook = await startSimulator(SIM);
		// An account capped at 10 running jobs that /v2/me does not report (the v2 OpenAPI has no such field).
		sims.cap = await startSimulator({ ...SIM, maxConcurrentJobs: 10, reportConcurrencyLimit: false });
		sims.kill = await startSimulator(SIM);
		stack = await timed('startQueueStack', () =>
			startQueueStack({
				paths,
				workers: 2,
				workerConcurrency: 10,
				webhookProcesses: 1,
				env: { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto' }, // the receiving workflow's Code node hashes the image
				log: (line) => process.stdout.write(`[queue] ${line}\n`),
			}),
		);
		main = stack.main;
		figures.startup = { ...stack.timings };
		for (const name of Object.keys(sims) as Array<keyof typeof sims>) {
			creds[name] = await createCredential(main, `Apiframe (${name})`, 'apiframeApi', { apiKey: sim(name).apiKey, baseUrl: sim(name).url });
		}
	});

	afterAll(async () => {
		// Whatever a test left running: every n8n process group, Redis, Postgres and their folders.
		if (stack) {
			figures.executionsByWorker = stack.executionsByWorker();
			// The processes' logs, for a post-mortem (test-artifacts/ is not in git).
			const logs = path.join(ARTIFACTS_DIR, 'queue-mode-logs');
			fs.rmSync(logs, { recursive: true, force: true });
			fs.cpSync(stack.logsDir, logs, { recursive: true });
		}
		await timed('close', async () => {
			await stack?.close();
			await Promise.all(Object.values(sims).map((s) => s?.close()));
		});
		figures.timings = timings;
		fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
		fs.writeFileSync(path.join(ARTIFACTS_DIR, 'queue-mode-figures.json'), JSON.stringify(figures, null, 2));
		console.log(`queue-mode figures: ${JSON.stringify(figures, null, 2)}`);
	});

	it('runs as queue mode: a main, two ready workers and a webhook process, each with the package', async () => {
		const s = stack!;
		expect(s.workers.map((w) => w.label)).toEqual(['worker-1', 'worker-2']);
		expect(s.webhooks.map((w) => w.label)).toEqual(['webhook-1']);
		for (const p of [s.mainProcess, ...s.workers, ...s.webhooks]) {
			expect((await http.get(p.healthUrl)).status).toBe(200);
			// Every process has its own user folder with the package linked where users' installs go.
			expect(fs.realpathSync(path.join(p.userFolder, '.n8n/nodes/node_modules/n8n-nodes-seedream'))).toBe(path.resolve(__dirname, '../..'));
		}
		const ports = [s.mainProcess, ...s.workers, ...s.webhooks].flatMap((p) => [p.brokerPort, p.healthPort]);
		expect(new Set(ports).size).toBe(ports.length);
		for (const w of s.workers) expect(fs.readFileSync(w.logFile, 'utf8')).toMatch(/n8n worker is now ready[\s\S]*Concurrency: 10/);
	});

	it('a 200-row batch in one production execution runs on one worker: 200 images, all readable through the main', async () => {
		const s = stack!;
		const tag = 'batch';
		const wf = await createWorkflow(main, batchWorkflow({ name: 'queue: 200 rows', trigger: { kind: 'webhook', path: 'queue-batch', webhookId: 'b0000000-0000-4000-8000-000000000200' }, credential: creds.batch!, rows: { count: 200, tag } }));
		await publish(main, wf);
		// Production webhooks are the webhook process's: the main does not serve them.
		expect((await http.post(`${main.baseUrl}/webhook/queue-batch`, {}, { headers: { 'content-type': 'application/json' } })).status).toBe(404);

		const started = Date.now();
		const call = await callWebhook(`${s.webhookBaseUrl}/webhook/queue-batch`, { count: 200, tag });
		expect(call).toEqual({ status: 200, body: JSON.stringify({ message: 'Workflow was started' }) });
		const id = await newExecution(main, wf.id, new Set());
		const execution = await timed('batch200', () => waitForExecution(main, id, 300_000));
		const wallMs = Date.now() - started;
		expect(execution.data.resultData.error).toBeUndefined();
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook', finished: true });

		// One worker started it and no other did.
		const byWorker = s.executionsByWorker();
		const ranOn = Object.keys(byWorker).filter((w) => byWorker[w].includes(id));
		expect(ranOn).toHaveLength(1);
		expect(['worker-1', 'worker-2']).toContain(ranOn[0]);

		const items = nodeItems(execution, 'Seedream');
		expect(items).toHaveLength(200);
		expect(items.map((i) => i.json.prompt)).toEqual(range(200).map((r) => promptOf(tag, r)));
		expect(items.map((i) => i.pairedItem)).toEqual(range(200).map((r) => ({ item: r - 1 })));
		const jobs = new Map(sim('batch').jobs().map((j) => [j.id, j]));
		expect(jobs.size).toBe(200);
		expect(new Set(items.map((i) => i.json.jobId)).size).toBe(200);
		for (const item of items) {
			const job = jobs.get(item.json.jobId)!;
			expect(job).toMatchObject({ status: 'COMPLETED', prompt: item.json.prompt });
			expect(item.json.status).toBe('COMPLETED');
			expect(item.binary.data).toMatchObject({ mimeType: 'image/jpeg', fileExtension: 'jpg', fileName: `${item.json.jobId}-1.jpg` });
			expect(item.binary.data.id).toMatch(/^database:[0-9a-f-]{36}$/);
		}
		expect(sim('batch').credits(sim('batch').apiKey)).toBe(CREDITS - 200 * PER_IMAGE);

		// Every file through the main's REST API, as the editor's Download button fetches it, byte for byte the CDN's.
		const downloads = await timed('batch200 downloads', () =>
			mapLimit(items, 8, async (item) => {
				const [got, cdn] = await Promise.all([downloadBinary(main, item.binary.data.id), cdnBytes(item.json.imageUrls[0])]);
				return { status: got.status, contentType: got.contentType, disposition: got.contentDisposition, same: got.bytes.equals(cdn), bytes: got.bytes.length, recorded: item.binary.data.bytes, size: imageSize(got.bytes) };
			}),
		);
		expect(downloads.filter((d) => d.status !== 200)).toEqual([]);
		expect(downloads.every((d) => d.contentType === 'image/jpeg' && d.same && d.bytes === d.recorded)).toBe(true);
		expect(downloads[0].disposition).toBe(`attachment; filename="${items[0].json.jobId}-1.jpg"`);
		expect(new Set(downloads.map((d) => JSON.stringify(d.size)))).toEqual(new Set([JSON.stringify({ format: 'jpg', width: 512, height: 512 })]));

		figures.batch200 = {
			executionId: id,
			worker: ranOn[0],
			items: items.length,
			wallMs,
			executionMs: Date.parse(execution.stoppedAt!) - Date.parse(execution.startedAt!),
			downloaded: downloads.length,
			bytesTotal: downloads.reduce((a, d) => a + d.bytes, 0),
			jobLog: jobLogFigures(sim('batch').jobs()),
			notice: noticeFigures(sim('batch').jobs(), sim('batch').requests()),
			msFromLastJobDoneToExecutionEnd: Date.parse(execution.stoppedAt!) - Math.max(...sim('batch').jobs().map((j) => Date.parse(j.completedAt!))),
		};
	});

	it('webhook pair: 100 jobs submitted without waiting arrive once each on the webhook process; both workers run the receiving executions', async () => {
		const s = stack!;
		const hookId = 'b0000000-0000-4000-8000-000000000100';
		const hookUrl = `${s.webhookBaseUrl}/webhook/${hookId}/seedream`;
		const receive = await createWorkflow(main, receiveWorkflow({ name: 'queue: receive finished jobs', webhookId: hookId, credential: creds.hook! }));
		await publish(main, receive);
		const submit = await createWorkflow(
			main,
			batchWorkflow({
				name: 'queue: submit 100 jobs',
				trigger: { kind: 'webhook', path: 'queue-submit', webhookId: 'b0000000-0000-4000-8000-000000000101' },
				credential: creds.hook!,
				rows: { count: 100, tag: 'hook' },
				waitForCompletion: false,
				options: { webhookUrl: hookUrl },
			}),
		);
		await publish(main, submit);

		const started = Date.now();
		expect((await callWebhook(`${s.webhookBaseUrl}/webhook/queue-submit`, { count: 100, tag: 'hook' })).status).toBe(200);
		const submitId = await newExecution(main, submit.id, new Set());
		const submitted = await waitForExecution(main, submitId, 120_000);
		expect(submitted).toMatchObject({ status: 'success', mode: 'webhook' });
		const submitItems = nodeItems(submitted, 'Seedream');
		expect(submitItems).toHaveLength(100);
		for (const item of submitItems) {
			expect(item.json.status).toMatch(/^(QUEUED|PROCESSING)$/);
			expect(item.binary).toBeUndefined();
		}
		const jobIds = submitItems.map((i) => i.json.jobId as string).sort();
		expect(new Set(jobIds).size).toBe(100);
		for (const job of sim('hook').jobs()) expect(job.webhookUrl).toBe(hookUrl);

		await timed('hook100 receiving', () => waitForExecutions(main, receive.id, 100, 240_000));
		const receivedMs = Date.now() - started;
		await sleep(2_000); // room for a duplicate, if there were one
		const runs = await listAllExecutions(main, receive.id);
		expect(runs).toHaveLength(100);
		expect(runs.every((r) => r.status === 'success' && r.mode === 'webhook')).toBe(true);

		// Spread over both workers; each receiving execution on exactly one.
		const byWorker = s.executionsByWorker();
		const perWorker = Object.fromEntries(Object.entries(byWorker).map(([w, ids]) => [w, runs.filter((r) => ids.includes(String(r.id))).length]));
		expect(perWorker['worker-1']).toBeGreaterThan(0);
		expect(perWorker['worker-2']).toBeGreaterThan(0);
		expect(perWorker['worker-1'] + perWorker['worker-2']).toBe(100);

		// Each job exactly once, and a node after the trigger reads each image: bytes and SHA-256 of the CDN's file.
		const executions: Execution[] = await mapLimit(runs, 6, (r) => getExecution(main, String(r.id)));
		const seen = executions.map((e) => {
			const [trigger] = nodeItems(e, 'Seedream Trigger');
			const [read] = nodeItems(e, 'Read image');
			return { trigger, read };
		});
		expect(seen.map((x) => x.read.json.jobId).sort()).toEqual(jobIds);
		const jobs = new Map(sim('hook').jobs().map((j) => [j.id, j]));
		await mapLimit(seen, 8, async ({ trigger, read }) => {
			const cdn = await cdnBytes(jobs.get(read.json.jobId)!.result!.images[0]);
			expect(read.json).toEqual({ jobId: trigger.json.jobId, event: 'completed', status: 'COMPLETED', bytes: cdn.length, sha256: sha256(cdn), mimeType: 'image/jpeg', binaryId: trigger.binary.data.id });
		});
		// Every job's completion was delivered and answered 200 (a first attempt that timed out under
		// load is retried by Apiframe; the trigger's duplicate check keeps it to one execution, above).
		const deliveries = sim('hook').deliveries();
		const answered = new Set(deliveries.filter((d) => d.event === 'completed' && d.status === 200).map((d) => d.jobId));
		expect([...answered].sort()).toEqual(jobIds);
		const notAnswered200 = deliveries.filter((d) => d.status !== 200);

		// Known n8n limitation (2.41.1, database binary mode): a webhook process files the trigger's
		// binaries under the placeholder execution id "temp", and the main's /rest/binary-data answers
		// 404 for them (n8n's own Webhook node alike). A node after the trigger reads them fine (above).
		const onMain = await mapLimit(seen, 8, ({ trigger }) => downloadBinary(main, trigger.binary.data.id));
		expect(onMain.map((d) => d.status)).toEqual(new Array(100).fill(404));
		expect(onMain[0]).toMatchObject({ contentType: null, bytes: Buffer.alloc(0) });

		figures.webhookPair = {
			submitExecution: { id: submitId, worker: s.workerOf(submitId), ms: Date.parse(submitted.stoppedAt!) - Date.parse(submitted.startedAt!) },
			receivingExecutions: runs.length,
			receivingPerWorker: perWorker,
			msFromCallToLastReceived: receivedMs,
			deliveries: deliveries.length,
			deliveryAttemptsNot200: notAnswered200.map((d) => ({ jobId: d.jobId, attempt: d.attempt, status: d.status ?? null, error: d.error ?? null, at: d.at })),
			deliveryRetries: deliveries.filter((d) => d.attempt > 1).map((d) => ({ jobId: d.jobId, attempt: d.attempt, status: d.status ?? null })),
			binaryOnMain: { status: onMain[0].status, contentType: onMain[0].contentType, bodyBytes: onMain[0].bytes.length, binaryId: seen[0].trigger.binary.data.id },
			jobLog: jobLogFigures(sim('hook').jobs()),
		};
	});

	it('two batches at once on two workers against one account capped at 10 running jobs it does not report: every row completes, no 409', async () => {
		const s = stack!;
		const me = (await http.get(`${sim('cap').url}/v2/me`, { headers: { 'x-api-key': sim('cap').apiKey } })).data;
		figures.capPair = { meTeam: me.team, meReportsMaxConcurrentJobs: Boolean(me.team && 'maxConcurrentJobs' in me.team) };

		const wf = await createWorkflow(main, batchWorkflow({ name: 'queue: capped account', trigger: { kind: 'webhook', path: 'queue-pair', webhookId: 'b0000000-0000-4000-8000-000000000030' }, credential: creds.cap!, rows: { count: 30, tag: 'pair' } }));
		await publish(main, wf);
		const started = Date.now();
		const calls = await Promise.all(['pair-a', 'pair-b'].map((tag) => callWebhook(`${s.webhookBaseUrl}/webhook/queue-pair`, { count: 30, tag })));
		expect(calls.map((c) => c.status)).toEqual([200, 200]);
		let runs: any[];
		try {
			runs = await timed('capPair', () => waitForExecutions(main, wf.id, 2, 180_000));
		} catch (err) {
			// What the job log and the executions show when a batch does not finish.
			const all = await listAllExecutions(main, wf.id);
			Object.assign(figures.capPair, {
				unfinished: all.map((e) => ({ id: e.id, status: e.status, worker: s.workerOf(String(e.id)) })),
				jobs: sim('cap').jobs().map((j) => ({ id: j.id, prompt: j.prompt.slice(0, 12), status: j.status, createdAt: j.createdAt, startedAt: j.startedAt, completedAt: j.completedAt })),
				jobLog: jobLogFigures(sim('cap').jobs()),
				notice: noticeFigures(sim('cap').jobs(), sim('cap').requests()),
				lastRequests: sim('cap').requests().slice(-20).map((r) => ({ at: r.at, method: r.method, path: r.path, status: r.status })),
			});
			throw err;
		}
		const wallMs = Date.now() - started;
		expect(runs).toHaveLength(2);
		const executions = await Promise.all(runs.map((r) => getExecution(main, String(r.id))));
		for (const e of executions) {
			expect(e.data.resultData.error).toBeUndefined();
			expect(e.status).toBe('success');
		}
		// Two executions, two workers.
		const workers = executions.map((e) => s.workerOf(e.id));
		expect(new Set(workers).size).toBe(2);

		// No row lost: 60 rows, 60 jobs, one per prompt, every one completed and downloaded.
		const items = executions.flatMap((e) => nodeItems(e, 'Seedream'));
		expect(items).toHaveLength(60);
		const expected = ['pair-a', 'pair-b'].flatMap((tag) => range(30).map((r) => promptOf(tag, r))).sort();
		expect(items.map((i) => i.json.prompt).sort()).toEqual(expected);
		expect(items.every((i) => i.json.status === 'COMPLETED' && i.binary?.data?.mimeType === 'image/jpeg')).toBe(true);
		const jobs = sim('cap').jobs();
		expect(jobs.map((j) => j.prompt).sort()).toEqual(expected);
		expect(jobs.every((j) => j.status === 'COMPLETED')).toBe(true);

		const requests = sim('cap').requests();
		expect(requests.filter((r) => r.status === 409)).toEqual([]);
		const log = jobLogFigures(jobs);
		expect(log.peakRunning).toBeLessThanOrEqual(10); // the account's cap, enforced by the simulator
		// Each worker starts at 16 (the window's safe start) and, seeing its jobs wait while the other
		// worker's run (the account's job list), does not grow: 32 at most, not 16 + 32 as before.
		const perExecutionPeaks = executions.map((e) => jobLogFigures(jobs.filter((j) => nodeItems(e, 'Seedream').some((item) => item.json.jobId === j.id))).peakInFlight);
		expect(perExecutionPeaks).toEqual([16, 16]);
		expect(log.peakInFlight).toBeLessThanOrEqual(32);
		Object.assign(figures.capPair, {
			executions: executions.map((e, i) => {
				const own = jobs.filter((j) => nodeItems(e, 'Seedream').some((item) => item.json.jobId === j.id));
				return {
					id: e.id,
					worker: workers[i],
					tag: /^(pair-[ab]) /.exec(nodeItems(e, 'Seedream')[0].json.prompt)?.[1],
					ms: Date.parse(e.stoppedAt!) - Date.parse(e.startedAt!),
					msFromLastJobDoneToExecutionEnd: Date.parse(e.stoppedAt!) - Math.max(...own.map((j) => Date.parse(j.completedAt!))),
					jobLog: jobLogFigures(own),
					notice: noticeFigures(own, requests),
				};
			}),
			wallMs,
			jobLog: log,
			requests: requests.length,
			status429: requests.filter((r) => r.status === 429).length,
			polls: requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v2/jobs/')).length,
			submits: requests.filter((r) => r.method === 'POST' && r.path === '/v2/images/generate').length,
		});
	});

	it('a worker killed (SIGKILL) mid-batch: n8n fails the execution; its jobs can be collected; a rerun with identity by content bills 0 new jobs', async () => {
		const s = stack!;
		const k = sim('kill');
		const tag = 'kill';
		const wf = await createWorkflow(main, batchWorkflow({ name: 'queue: 40 rows, identity by content', trigger: { kind: 'manual' }, credential: creds.kill!, rows: { count: 40, tag }, options: { idempotencyScope: 'content' } }));

		// "Execute workflow": the main enqueues it, a worker picks it up.
		const executionId = await runManually(main, wf.id, TRIGGER_NAME.manual);
		const victimLabel = await waitFor(() => s.workerOf(executionId), 60_000, `a worker starting execution ${executionId}`, 100);
		const victim = s.workers.find((w) => w.label === victimLabel)!;
		await waitFor(() => k.jobs().length >= 10, 60_000, '10 jobs in the simulator', 50);
		const jobsAtKill = k.jobs().length;
		const killedAt = Date.now();
		await s.killWorker(victim, 'SIGKILL');
		// A replacement comes up meanwhile, as an orchestrator would restart it.
		const replacement = s.addWorker();

		const failed = await timed('kill: execution marked failed', () => waitForExecution(main, executionId, 180_000, 1_000));
		const failedAfterMs = Date.now() - killedAt;
		await replacement;
		const error = failed.data?.resultData?.error;
		figures.killedWorker = {
			executionId,
			worker: victimLabel,
			jobsAtKill,
			status: failed.status,
			finished: failed.finished,
			errorMessage: error?.message ?? null,
			errorName: error?.name ?? null,
			lastNodeExecuted: failed.data?.resultData?.lastNodeExecuted ?? null,
			nodesWithRunData: Object.keys(failed.data?.resultData?.runData ?? {}),
			msFromKillToFailed: failedAfterMs,
			stoppedAtMinusKill: failed.stoppedAt ? Date.parse(failed.stoppedAt) - killedAt : null,
			replacementReadyMs: s.workers[s.workers.length - 1].readyMs,
		};
		expect(failed.status).toBe('error');
		expect(failed.finished).toBe(false);
		// The Seedream node never finished on the dead worker: the execution lists no job of it.
		expect(nodeItems(failed, 'Seedream')).toEqual([]);

		// What was billed before the kill: nothing more is created once the worker is gone.
		const leftBehind = k.jobs();
		expect(leftBehind.length).toBeGreaterThanOrEqual(10);
		expect(leftBehind.length).toBeLessThanOrEqual(40);
		expect(leftBehind.length).toBeGreaterThanOrEqual(jobsAtKill);
		figures.killedWorker.jobsLeftBehind = leftBehind.length;

		// Collect them with Job → Wait on the IDs from the job log.
		const collect = await createWorkflow(main, collectWorkflow({ name: 'queue: collect jobs left behind', credential: creds.kill!, jobIds: leftBehind.map((j) => j.id) }));
		const collectedId = await runManually(main, collect.id, TRIGGER_NAME.manual);
		const collected = await timed('kill: collect', () => waitForExecution(main, collectedId, 120_000));
		expect(collected.status).toBe('success');
		const collectedItems = nodeItems(collected, 'Job Wait');
		expect(collectedItems.map((i) => i.json.jobId).sort()).toEqual(leftBehind.map((j) => j.id).sort());
		expect(collectedItems.every((i) => i.json.status === 'COMPLETED' && i.binary?.data?.mimeType === 'image/jpeg')).toBe(true);
		expect(k.jobs()).toHaveLength(leftBehind.length); // collecting bills nothing

		// The same rows again: identity by content maps every row already submitted onto its job.
		const submitsBefore = k.requests().filter((r) => r.method === 'POST' && r.path === '/v2/images/generate').length;
		const rerunId = await runManually(main, wf.id, TRIGGER_NAME.manual);
		const rerun = await timed('kill: rerun', () => waitForExecution(main, rerunId, 300_000));
		expect(rerun.data.resultData.error).toBeUndefined();
		expect(rerun.status).toBe('success');
		const items = nodeItems(rerun, 'Seedream');
		expect(items.map((i) => i.json.prompt)).toEqual(range(40).map((r) => promptOf(tag, r)));
		const jobs = k.jobs();
		expect(jobs).toHaveLength(40);
		expect(new Set(items.map((i) => i.json.jobId))).toEqual(new Set(jobs.map((j) => j.id)));
		for (const j of leftBehind) expect(items.find((i) => i.json.jobId === j.id)?.json.prompt).toBe(j.prompt);
		expect(jobs.every((j) => j.chargedCredits === PER_IMAGE && !j.refunded)).toBe(true);
		expect(k.credits(k.apiKey)).toBe(CREDITS - 40 * PER_IMAGE);
		const rerunSubmits = k.requests().filter((r) => r.method === 'POST' && r.path === '/v2/images/generate').slice(submitsBefore);
		figures.killedWorker.rerun = {
			executionId: rerunId,
			worker: s.workerOf(rerunId),
			newJobs: jobs.length - leftBehind.length,
			submits: rerunSubmits.length,
			submitsAnsweredWithAnEarlierJob: rerunSubmits.filter((r) => r.status === 202 && leftBehind.some((j) => j.idempotencyKey === r.headers['idempotency-key'])).length,
			creditsSpent: CREDITS - k.credits(k.apiKey),
			ms: Date.parse(rerun.stoppedAt!) - Date.parse(rerun.startedAt!),
			notice: noticeFigures(jobs.filter((j) => !leftBehind.some((l) => l.id === j.id)), k.requests()),
		};
		expect(figures.killedWorker.rerun.newJobs).toBe(40 - leftBehind.length);
	});
});
