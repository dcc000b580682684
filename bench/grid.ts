/**
 * The benchmark grid: each condition (bench/gridConditions.ts) runs the Seedream node through
 * n8n's engine in one or two fresh engine processes (gridWorker.ts) against a simulator in a
 * process of its own, on one API key, and is measured from the simulator's logs.
 */
import { fork, type ChildProcess } from 'child_process';
import * as path from 'path';

import type { SimJob, SimulatorOptions } from '../test/simulator';
import type { Condition } from './gridConditions';
import { DURATIONS, GRID, GRID_TARGETS, describeCondition } from './gridConditions';
import type { InFlightFigures, RequestFigures } from './gridFigures';
import { fixedLimitMs, inFlightFigures, requestFigures } from './gridFigures';
import type { GridBatchResult, GridWorkerMessage, GridWorkerReply } from './gridWorker';
import { ownLimitMs } from './s4';
import { NODE_PARAMETERS } from './scenarios';
import { REPO_ROOT, freshKey, startSimProcess } from './simProcess';
import { round } from './stats';
import type { Traffic } from './traffic';
import { analyseTraffic } from './traffic';

export interface GridRow {
	id: string;
	condition: Condition;
	description: string;
	rows: number;
	cap: number;
	timeScale: number;
	/** Simulated ms (fixed) or mean (lognormal). */
	latencyMs: number;
	distribution: 'fixed' | 'lognormal';
	warmupRowsPerProcess: number;
	wallMs: number;
	limitMs: number;
	ratio: number;
	rowsOut: number;
	rowsLost: number;
	requests: RequestFigures;
	inFlight: InFlightFigures;
	batches: GridBatchResult[];
	traffic: Traffic;
	/** Seconds this row took in all (processes started, warm-up, measured batch). */
	rowSeconds: number;
	verdicts: { wall: boolean; requests: boolean; inFlight: boolean | null; rowsLost: boolean };
	error?: string;
}

interface Worker {
	send(message: GridWorkerMessage): Promise<GridWorkerReply>;
	close(): Promise<void>;
}

const WORKER_TIMEOUT_MS = 600_000;

function startWorker(): Worker {
	const child: ChildProcess = fork(path.join(__dirname, 'gridWorker.ts'), [], {
		cwd: REPO_ROOT,
		execArgv: ['-r', 'ts-node/register/transpile-only'],
		env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	let exited = false;
	child.once('exit', () => (exited = true));
	return {
		send: (message) =>
			new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`grid worker: no answer to ${message.kind} in ${WORKER_TIMEOUT_MS / 1000} s`)), WORKER_TIMEOUT_MS);
				const onExit = (code: number | null) => {
					clearTimeout(timer);
					reject(new Error(`grid worker exited with ${code} during ${message.kind}`));
				};
				child.once('exit', onExit);
				child.once('message', (answer: GridWorkerReply) => {
					clearTimeout(timer);
					child.off('exit', onExit);
					resolve(answer);
				});
				child.send(message);
			}),
		close: async () => {
			if (exited) return;
			const gone = new Promise((resolve) => child.once('exit', resolve));
			child.send({ kind: 'exit' } satisfies GridWorkerMessage);
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await gone;
			clearTimeout(timer);
		},
	};
}

async function ask(worker: Worker, message: GridWorkerMessage): Promise<GridWorkerReply & { ok: true }> {
	const answer = await worker.send(message);
	if (!answer.ok) throw new Error(`grid worker failed: ${answer.error}`);
	return answer;
}

async function batchOn(worker: Worker, message: Extract<GridWorkerMessage, { kind: 'batch' }>): Promise<GridBatchResult> {
	const answer = await ask(worker, message);
	if (answer.kind !== 'batch') throw new Error(`grid worker answered ${answer.kind} to a batch`);
	return answer.result;
}

function simulatorOptions(c: Condition): SimulatorOptions {
	const d = DURATIONS[c.duration];
	return {
		timeScale: d.timeScale,
		imageScale: GRID.imageScale,
		latencyMs: d.latencyMs,
		...(d.distribution === 'lognormal' ? { latencyDistribution: 'lognormal' as const, randomSeed: GRID.randomSeed } : { latencySpreadMs: 0 }),
		progressCurve: c.curve,
		maxConcurrentJobs: c.limit === 'none' ? 0 : GRID.cap,
		reportConcurrencyLimit: c.limit === 'reported',
		rateLimitPerMinute: GRID.rateLimitPerMinute,
	};
}

/** Process 1's rows say "p1", process 2's "p2" (gridPrompt), in the measured and the warm-up batch alike. */
const processOf = (job: SimJob) => /\b(p\d)\b/.exec(job.prompt)?.[1] ?? '?';

export async function runCondition(c: Condition, log: (line: string) => void): Promise<GridRow> {
	const started = performance.now();
	const d = DURATIONS[c.duration];
	const cap = c.limit === 'none' ? 0 : GRID.cap;
	const rowsEach = d.rows / c.processes;
	const warmupRows = c.state === 'warm' ? rowsEach / 2 : 0;
	const workers = Array.from({ length: c.processes }, () => startWorker());
	const simStarting = startSimProcess(simulatorOptions(c));
	try {
		const [sim] = await Promise.all([simStarting, ...workers.map((w) => ask(w, { kind: 'setup', timeScale: d.timeScale }))]);
		try {
			const key = freshKey(c.id);
			await sim.reset(key);
			const batch = (rows: number, tag: (i: number) => string) =>
				Promise.all(workers.map((w, i) => batchOn(w, { kind: 'batch', simUrl: sim.url, apiKey: key, rows, tag: tag(i), parameters: NODE_PARAMETERS })));
			if (warmupRows) {
				await batch(warmupRows, (i) => `warm-up p${i + 1}`);
				// The account's jobs, requests and rate window start afresh; the processes keep what they learned.
				await sim.reset(key);
			}
			const batches = await batch(rowsEach, (i) => `p${i + 1}`);
			const [jobs, requests] = await Promise.all([sim.jobs(), sim.requests()]);
			const wallMs = Math.max(...batches.map((b) => b.endedAtMs)) - Math.min(...batches.map((b) => b.startedAtMs));
			const limitMs = d.distribution === 'fixed' ? fixedLimitMs(d.rows, cap, d.latencyMs * d.timeScale) : ownLimitMs(jobs, cap);
			const rowsOut = batches.reduce((sum, b) => sum + b.rowsOut, 0);
			const req = requestFigures(requests, jobs);
			const inFlight = inFlightFigures(jobs, processOf);
			const ratio = round(wallMs / limitMs, 3);
			const row: GridRow = {
				id: c.id,
				condition: c,
				description: describeCondition(c),
				rows: d.rows,
				cap,
				timeScale: d.timeScale,
				latencyMs: d.latencyMs,
				distribution: d.distribution,
				warmupRowsPerProcess: warmupRows,
				wallMs: round(wallMs, 1),
				limitMs: round(limitMs, 1),
				ratio,
				rowsOut,
				rowsLost: d.rows - rowsOut,
				requests: req,
				inFlight,
				batches,
				traffic: analyseTraffic(requests, jobs, d.timeScale, cap),
				rowSeconds: 0,
				verdicts: {
					wall: ratio <= (c.duration === '15s' ? GRID_TARGETS.wallRatio15s : GRID_TARGETS.wallRatio),
					requests: req.apiRequestsPerJob <= (c.state === 'cold' ? GRID_TARGETS.requestsPerJobCold : GRID_TARGETS.requestsPerJobWarm),
					inFlight: c.processes === 2 && cap > 0 ? inFlight.afterLook <= GRID_TARGETS.twoProcessInFlight * cap : null,
					rowsLost: rowsOut === d.rows,
				},
			};
			row.rowSeconds = round((performance.now() - started) / 1000, 1);
			log(
				`  ${c.id}: wall/limit ${ratio} (${round(wallMs / 1000, 1)} s / ${round(limitMs / 1000, 1)} s), ${req.apiRequestsPerJob} API requests/job, ` +
					`${req.status429} × 429, in flight ${inFlight.ours}/${inFlight.all} (after look ${inFlight.afterLook}), ${row.rowsLost} rows lost, ${req.jobs} jobs [${row.rowSeconds} s]`,
			);
			return row;
		} finally {
			await sim.close();
		}
	} finally {
		await Promise.all(workers.map((w) => w.close()));
		await simStarting.then((s) => s.close()).catch(() => undefined);
	}
}
