/**
 * Queue mode (#11): n8n 2.41.1 as teams scale it — a main, two workers, a webhook process,
 * Postgres and Redis (scripts/queue/stack.ts), binary data in the database — with this package
 * installed in every process.
 * - Q1: 1,000 rows, two executions of 500 started through the webhook process, one per worker,
 *   against one account capped at 25 running jobs it does not report: wall ÷ (ceil(1000 / 25) × L),
 *   rows lost, jobs created, each process's peak RSS (VmHWM).
 * - Q2 (S3 in database mode): 50 rows of 4K PNG (the same ~23 MiB file as S3) in one execution on
 *   a worker: the worker's peak RSS growth ÷ the image bytes it stored.
 * Jobs take L = 15 s simulated at time scale 0.4 (6 s): the node runs at real time inside n8n, so
 * only the provider is faster; its cold looks (3 s, 7.5 s…) are tuned to 15 s and cost Q1's first round.
 */
import * as fs from 'fs';

import { startQueueStack, type QueueStack } from '../scripts/queue/stack';
import { freePort, prepareN8n } from '../test/e2e/n8n';
import { callWebhook, createCredential, createWorkflow, getExecution, nodeItems, publish, waitForExecutions } from '../test/e2e/queue/rest';
import { jobLogFigures, type JobLogFigures } from '../test/e2e/queue/jobLog';
import { batchWorkflow } from '../test/e2e/queue/workflows';
import { startSimulator, type Simulator } from '../test/simulator';
import { realisticPng } from './bigPng';
import { SIMULATED_LATENCY_MS } from './config';
import { serveFiles } from './s3';
import { round } from './stats';

export const QUEUE = { rows: Number(process.env.BENCH_QUEUE_ROWS ?? 1000), executions: 2, cap: 25, timeScale: 0.4, s3Rows: 50 };

export interface ProcessMemory {
	label: string;
	rssBeforeMiB: number;
	peakRssMiB: number;
}

export interface QueueModeResult {
	settings: typeof QUEUE & { latencyMs: number; idealMs: number };
	q1: { wallMs: number; ratio: number; rowsOut: number; rowsLost: number; jobs: number; status409: number; status429: number; requestsPerJob: number; executionsByWorker: Record<string, number>; executionMs: number[]; jobLog: JobLogFigures; memory: ProcessMemory[] };
	q2: { rowsOut: number; errors: string[]; imageBytes: number; workerPeakGrowthMiB: number; share: number; memory: ProcessMemory[] };
}

const MiB = 1024 * 1024;

/** Resident and peak resident set of a process (Linux /proc), MiB. */
function procMemory(pid: number | undefined): { rss: number; hwm: number } {
	if (!pid) return { rss: NaN, hwm: NaN };
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
	return { rss: round(kb('VmRSS') / 1024, 1), hwm: round(kb('VmHWM') / 1024, 1) };
}

function processes(stack: QueueStack): Array<{ label: string; pid: number | undefined }> {
	return [
		{ label: 'main', pid: stack.main.process?.pid },
		...[...stack.workers, ...stack.webhooks].map((p) => ({ label: p.label, pid: p.proc?.child.pid })),
	];
}

/** VmHWM only rises: a process's peak over the run is read afresh at the end, its RSS before it as the baseline. */
async function measured<T>(stack: QueueStack, run: () => Promise<T>): Promise<{ result: T; memory: ProcessMemory[] }> {
	const before = processes(stack).map((p) => ({ ...p, ...procMemory(p.pid) }));
	const result = await run();
	return { result, memory: before.map((p) => ({ label: p.label, rssBeforeMiB: p.rss, peakRssMiB: procMemory(p.pid).hwm })) };
}

async function batch(stack: QueueStack, sim: Simulator, name: string, path: string, webhookId: string, rowsPerExecution: number, executions: number, options: Record<string, unknown>) {
	const main = stack.main;
	const credential = await createCredential(main, `Apiframe (${name})`, 'apiframeApi', { apiKey: sim.apiKey, baseUrl: sim.url });
	const wf = await createWorkflow(main, batchWorkflow({ name, trigger: { kind: 'webhook', path, webhookId }, credential, rows: { count: rowsPerExecution, tag: name }, options }));
	await publish(main, wf);
	const started = Date.now();
	const calls = await Promise.all(Array.from({ length: executions }, (_, i) => callWebhook(`${stack.webhookBaseUrl}/webhook/${path}`, { count: rowsPerExecution, tag: `${name}-${i + 1}` })));
	if (calls.some((c) => c.status !== 200)) throw new Error(`webhook answered ${calls.map((c) => c.status).join(', ')}`);
	const runs = await waitForExecutions(main, wf.id, executions, 1_800_000);
	const wallMs = Date.now() - started;
	const done = await Promise.all(runs.map((r) => getExecution(main, String(r.id))));
	const items = done.flatMap((e) => nodeItems(e, 'Seedream'));
	const rowsOut = items.filter((i) => i.json.status === 'COMPLETED' && i.binary?.data).length;
	const workers: Record<string, number> = {};
	for (const e of done) {
		const worker = stack.workerOf(String(e.id)) ?? 'unknown';
		workers[worker] = (workers[worker] ?? 0) + 1;
	}
	const executionMs = done.map((e) => Date.parse(e.stoppedAt!) - Date.parse(e.startedAt!));
	const errors = [...done.map((e) => e.data?.resultData?.error?.message), ...items.map((i) => i.json.error)].filter(Boolean).map(String);
	return { wallMs, rowsOut, workers, executionMs, errors: [...new Set(errors)].slice(0, 3) };
}

/** `inspect` sees Q1's job log and requests before Q2 starts (for a timeline while tuning). */
export async function runQueueMode(log: (line: string) => void, inspect?: (jobs: ReturnType<Simulator['jobs']>, requests: ReturnType<Simulator['requests']>) => void): Promise<QueueModeResult> {
	const latencyMs = SIMULATED_LATENCY_MS * QUEUE.timeScale;
	const idealMs = Math.ceil(QUEUE.rows / QUEUE.cap) * latencyMs;
	const paths = await prepareN8n();
	const sim = await startSimulator({ host: '127.0.0.1', port: 0, timeScale: QUEUE.timeScale, latencyMs: SIMULATED_LATENCY_MS, latencySpreadMs: 0, imageScale: 1 / 32, maxConcurrentJobs: QUEUE.cap, reportConcurrencyLimit: false });
	const big = realisticPng();
	const cdn = await serveFiles(big);
	// Its url is the public one (the CDN stand-in in front of it): the stand-in forwards to the port.
	const bigSimPort = await freePort();
	const bigSim = await startSimulator({ host: '127.0.0.1', port: bigSimPort, timeScale: QUEUE.timeScale, latencyMs: SIMULATED_LATENCY_MS, latencySpreadMs: 0, imageScale: 1 / 32, publicUrl: cdn.url });
	cdn.setUpstream(`http://127.0.0.1:${bigSimPort}`);
	const stack = await startQueueStack({ paths, workers: 2, workerConcurrency: 10, webhookProcesses: 1, log: (line) => log(`  [queue] ${line}`) });
	try {
		const q1 = await measured(stack, () => batch(stack, sim, 'q1', 'q1-rows', 'c0000000-0000-4000-8000-000000000001', QUEUE.rows / QUEUE.executions, QUEUE.executions, { outputFormat: 'png' }));
		const requests = sim.requests();
		const jobs = sim.jobs();
		inspect?.(jobs, requests);
		const q1Result = {
			wallMs: q1.result.wallMs,
			ratio: round(q1.result.wallMs / idealMs, 3),
			rowsOut: q1.result.rowsOut,
			rowsLost: QUEUE.rows - q1.result.rowsOut,
			jobs: jobs.length,
			status409: requests.filter((r) => r.status === 409).length,
			status429: requests.filter((r) => r.status === 429).length,
			requestsPerJob: round(requests.filter((r) => r.path.startsWith('/v2/') || r.path.startsWith('/files/')).length / Math.max(1, jobs.length), 2),
			executionsByWorker: q1.result.workers,
			executionMs: q1.result.executionMs,
			jobLog: jobLogFigures(jobs),
			memory: q1.memory,
		};
		log(`  Q1 1,000 rows over two workers: wall/limit ${q1Result.ratio}, ${q1Result.jobs} jobs, ${q1Result.rowsLost} rows lost, ${q1Result.status429} × 429`);
		const q2 = await measured(stack, () => batch(stack, { ...bigSim, url: cdn.url } as Simulator, 'q2', 'q2-big', 'c0000000-0000-4000-8000-000000000002', QUEUE.s3Rows, 1, { size: '4K', outputFormat: 'png' }));
		const imageBytes = q2.result.rowsOut * big.length;
		const worker = Object.keys(q2.result.workers)[0];
		const workerMemory = q2.memory.find((m) => m.label === worker);
		const growth = workerMemory ? round(workerMemory.peakRssMiB - workerMemory.rssBeforeMiB, 1) : NaN;
		const q2Result = { rowsOut: q2.result.rowsOut, errors: q2.result.errors, imageBytes, workerPeakGrowthMiB: growth, share: round((growth * MiB) / imageBytes, 4), memory: q2.memory };
		if (q2.result.errors.length) log(`  Q2 errors: ${q2.result.errors.join(' | ')}`);
		log(`  Q2 50 rows of 4K PNG, database mode: ${worker} peak RSS growth ${growth} MiB = ${round(q2Result.share * 100, 1)}% of ${round(imageBytes / MiB, 1)} MiB`);
		return { settings: { ...QUEUE, latencyMs, idealMs }, q1: q1Result, q2: q2Result };
	} finally {
		await stack.close();
		await Promise.all([sim.close(), bigSim.close(), new Promise((resolve) => cdn.server.close(resolve))]);
	}
}
