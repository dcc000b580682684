/**
 * n8n in queue mode ("scaling mode"), for real and throwaway: a Postgres cluster and a Redis of
 * our own (scripts/queue/infra.ts), one **main** (`n8n start`: editor, REST API, triggers'
 * activation), **workers** (`n8n worker --concurrency=N`: they run every execution) and
 * **webhook processes** (`n8n webhook`: they receive production webhooks and hand the executions
 * to the workers through Redis). Every process gets this package the way users install it (linked
 * into `<user folder>/.n8n/nodes/node_modules/n8n-nodes-seedream`), one shared
 * N8N_ENCRYPTION_KEY, its own task-runner broker port and health port, and a log file in the
 * stack's folder. close() stops every process group, Postgres and Redis and deletes the folders,
 * whatever state the tests left them in.
 *
 * Usable from jest (`beforeAll(() => startQueueStack(…))`, `afterAll(() => stack.close())`) and
 * from scripts/queue/up.ts. Facts behind the settings: ../../../shared/n8n-notes.md ("Queue mode").
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import {
	createInstance,
	destroyInstance,
	freePort,
	PACKAGE_NAME,
	prepareN8n,
	spawnN8n,
	start,
	stopN8nProcess,
	waitForReady,
	type N8nInstance,
	type N8nPaths,
	type N8nProcess,
} from '../../test/e2e/n8n';
import { killGroup } from '../../test/e2e/processes';
import { ensureQueueInfra, forgetOnExit, removeOnExit, startPostgres, startRedis, type PostgresServer, type RedisServer } from './infra';

export const ROOT_DIR = path.resolve(__dirname, '../..');

export interface QueueStackOptions {
	/** Package root linked in as n8n-nodes-seedream (default: this repository). */
	packageDir?: string;
	paths?: N8nPaths;
	workers?: number;
	/** `n8n worker --concurrency=N`: executions one worker runs at once. */
	workerConcurrency?: number;
	webhookProcesses?: number;
	/**
	 * 'per-process' (default): every process has a user folder of its own, as separate containers
	 * or hosts would. 'shared': all processes use the main's folder (one host, one ~/.n8n).
	 */
	userFolders?: 'per-process' | 'shared';
	/**
	 * Which roles get the package linked into their user folder (default: all). Only for showing
	 * what happens without it; with 'shared' user folders every process sees the main's link.
	 */
	packageIn?: Array<'worker' | 'webhook'>;
	/** Extra environment for every n8n process (wins over the stack's settings). */
	env?: Record<string, string>;
	/** Progress lines (default: none). */
	log?: (line: string) => void;
}

export interface QueueProcess {
	/** 'main', 'worker-1', 'worker-2', 'webhook-1', … */
	label: string;
	role: 'main' | 'worker' | 'webhook';
	userFolder: string;
	brokerPort: number;
	/** The port /healthz/readiness answers on (N8N_PORT for main and webhook, QUEUE_HEALTH_CHECK_PORT for workers). */
	healthPort: number;
	healthUrl: string;
	logFile: string;
	/** Undefined for the main (its process lives on the N8nInstance). */
	proc?: N8nProcess;
	/** ms from spawn to /healthz/readiness answering 200. */
	readyMs?: number;
	/** Set once killWorker() or stopProcess() ended it. */
	stopped?: boolean;
}

export interface QueueStack {
	dir: string;
	logsDir: string;
	postgres: PostgresServer;
	redis: RedisServer;
	/** The main: REST API, login and executions (rest(), login(), listExecutions() of test/e2e/n8n.ts work on it). */
	main: N8nInstance;
	mainProcess: QueueProcess;
	workers: QueueProcess[];
	webhooks: QueueProcess[];
	/** WEBHOOK_URL: the first webhook process, where production webhook URLs point. */
	webhookBaseUrl: string;
	/** Start-up durations in ms (install, postgres, redis, main, workers, webhooks, total). */
	timings: Record<string, number>;
	/** Starts one more worker (e.g. to replace a killed one); resolves when it is ready. */
	addWorker(): Promise<QueueProcess>;
	/** Kills a worker's whole process group at once (SIGKILL: no graceful shutdown, as in a crash). */
	killWorker(worker: QueueProcess, signal?: NodeJS.Signals): Promise<void>;
	/** Which worker logged "Worker started execution <id>" (undefined when none did yet). */
	workerOf(executionId: string): string | undefined;
	/** Execution ids each worker started, from the workers' logs. */
	executionsByWorker(): Record<string, string[]>;
	/** Stops everything and deletes the folders (N8N_E2E_KEEP keeps the logs); safe to call twice. */
	close(): Promise<void>;
}

/** The settings every process of the stack shares, besides the database and Redis. */
export function queueModeEnv(webhookBaseUrl: string): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		N8N_DEFAULT_BINARY_DATA_MODE: 'database', // queue mode refuses 'filesystem'; 'default' keeps them in memory
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true', // manual runs (editor, POST /rest/workflows/:id/run) go to workers too
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true', // production webhooks only on `n8n webhook` processes
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		WEBHOOK_URL: `${webhookBaseUrl}/`,
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10', // seconds a stopping process waits for running work (teardown)
		QUEUE_WORKER_TIMEOUT: '10', // the same for a worker's running jobs (Bull's graceful shutdown)
	};
}

/** A user folder with this package linked in where n8n looks for community packages. */
function prepareUserFolder(dir: string, packageDir: string): void {
	const nodesDir = path.join(dir, '.n8n', 'nodes', 'node_modules');
	fs.mkdirSync(nodesDir, { recursive: true });
	const link = path.join(nodesDir, PACKAGE_NAME);
	if (!fs.existsSync(link)) fs.symlinkSync(path.resolve(packageDir), link, 'dir');
}

async function distinctPort(taken: Set<number>): Promise<number> {
	for (;;) {
		const port = await freePort();
		if (!taken.has(port)) {
			taken.add(port);
			return port;
		}
	}
}

const STARTED_RE = /Worker started execution (\S+) \(job/g;

export async function startQueueStack(opts: QueueStackOptions = {}): Promise<QueueStack> {
	const log = opts.log ?? (() => undefined);
	const packageDir = opts.packageDir ?? ROOT_DIR;
	const timings: Record<string, number> = {};
	const t0 = Date.now();
	const lap = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
		const started = Date.now();
		try {
			return await fn();
		} finally {
			timings[label] = Date.now() - started;
		}
	};

	const install = ensureQueueInfra({ log });
	timings.install = install.ms;
	const paths = opts.paths ?? (await prepareN8n());
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-'));
	const logsDir = path.join(dir, 'logs');
	fs.mkdirSync(logsDir);
	// An abrupt exit (Ctrl-C on jest, a crash) still deletes the folders; processes.ts kills the groups.
	if (!process.env.N8N_E2E_KEEP) removeOnExit(dir);
	const taken = new Set<number>();

	let postgres: PostgresServer | undefined;
	let redis: RedisServer | undefined;
	let main: N8nInstance | undefined;
	const workers: QueueProcess[] = [];
	const webhooks: QueueProcess[] = [];
	let closing: Promise<void> | undefined;

	const close = () =>
		(closing ??= (async () => {
			// n8n first (they hold connections to both), then Redis and Postgres.
			await Promise.all([...workers, ...webhooks].filter((p) => p.proc).map((p) => stopN8nProcess(p.proc!, 10_000).catch(() => undefined)));
			if (main) await destroyInstance(main).catch(() => undefined);
			if (main) forgetOnExit(main.userFolder);
			await Promise.all([redis?.stop(), postgres?.stop()].map((p) => p?.catch(() => undefined)));
			if (!process.env.N8N_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
			forgetOnExit(dir);
		})());

	try {
		[postgres, redis] = await Promise.all([
			lap('postgres', () => startPostgres({ parentDir: dir, logFile: path.join(logsDir, 'postgres.log'), takenPorts: taken })),
			lap('redis', () => startRedis({ parentDir: dir, logFile: path.join(logsDir, 'redis.log'), takenPorts: taken })),
		]);
		log(`postgres on 127.0.0.1:${postgres.port} (${timings.postgres} ms), redis on 127.0.0.1:${redis.port} (${timings.redis} ms)`);

		const webhookPorts: number[] = [];
		for (let i = 0; i < (opts.webhookProcesses ?? 1); i++) webhookPorts.push(await distinctPort(taken));
		const webhookBaseUrl = webhookPorts.length ? `http://127.0.0.1:${webhookPorts[0]}` : '';

		main = await createInstance({
			packageDir,
			paths,
			env: { ...postgres.n8nEnv, ...redis.n8nEnv, ...queueModeEnv(webhookBaseUrl), ...opts.env },
		});
		if (!process.env.N8N_E2E_KEEP) removeOnExit(main.userFolder);
		taken.add(main.port).add(main.brokerPort);
		const mainHealthPort = await distinctPort(taken);
		main.env.QUEUE_HEALTH_CHECK_PORT = String(mainHealthPort); // unused by a main, but never shared
		main.logFile = path.join(logsDir, 'main.log');
		const mainProcess: QueueProcess = {
			label: 'main',
			role: 'main',
			userFolder: main.userFolder,
			brokerPort: main.brokerPort,
			healthPort: main.port,
			healthUrl: `${main.baseUrl}/healthz/readiness`,
			logFile: main.logFile,
		};
		// The main runs the database migrations: the other processes start once it is ready.
		await lap('main', () => start(main!, { timeoutMs: 180_000 }));
		mainProcess.readyMs = timings.main;
		log(`main ready at ${main.baseUrl} (${timings.main} ms)`);

		const spawnRole = async (role: 'worker' | 'webhook', index: number, port?: number): Promise<QueueProcess> => {
			const label = `${role}-${index}`;
			const userFolder = opts.userFolders === 'shared' ? main!.userFolder : path.join(dir, label);
			if (!opts.packageIn || opts.packageIn.includes(role)) prepareUserFolder(userFolder, packageDir);
			else fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
			const brokerPort = await distinctPort(taken);
			const healthPort = role === 'webhook' ? port! : await distinctPort(taken);
			const env: Record<string, string> = {
				N8N_USER_FOLDER: userFolder,
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				QUEUE_HEALTH_CHECK_PORT: String(role === 'worker' ? healthPort : await distinctPort(taken)),
			};
			if (role === 'webhook') env.N8N_PORT = String(port);
			const logFile = path.join(logsDir, `${label}.log`);
			const args = role === 'worker' ? [`--concurrency=${opts.workerConcurrency ?? 10}`] : [];
			const started = Date.now();
			const proc = spawnN8n(main!, role, { args, env, logFile, label });
			const qp: QueueProcess = { label, role, userFolder, brokerPort, healthPort, healthUrl: `http://127.0.0.1:${healthPort}/healthz/readiness`, logFile, proc };
			(role === 'worker' ? workers : webhooks).push(qp);
			await waitForReady(proc, qp.healthUrl, { timeoutMs: 180_000 });
			qp.readyMs = Date.now() - started;
			log(`${label} ready (${qp.readyMs} ms)`);
			return qp;
		};

		let workerCount = 0;
		const starting = Date.now();
		await Promise.all([
			...Array.from({ length: opts.workers ?? 2 }, () => spawnRole('worker', ++workerCount)),
			...webhookPorts.map((port, i) => spawnRole('webhook', i + 1, port)),
		]);
		timings.workersAndWebhooks = Date.now() - starting;
		for (const p of [...workers, ...webhooks]) timings[p.label] = p.readyMs!;
		timings.total = Date.now() - t0;

		const readLog = (file: string) => {
			try {
				return fs.readFileSync(file, 'utf8');
			} catch {
				return '';
			}
		};
		const executionsByWorker = () => {
			const out: Record<string, string[]> = {};
			for (const w of workers) out[w.label] = [...readLog(w.logFile).matchAll(STARTED_RE)].map((m) => m[1]);
			return out;
		};

		return {
			dir,
			logsDir,
			postgres,
			redis,
			main,
			mainProcess,
			workers,
			webhooks,
			webhookBaseUrl,
			timings,
			addWorker: () => spawnRole('worker', ++workerCount),
			killWorker: async (worker, signal = 'SIGKILL') => {
				if (!worker.proc) throw new Error(`${worker.label} has no process`);
				killGroup(worker.proc.child.pid, signal);
				await stopN8nProcess(worker.proc, 5_000); // waits until the whole group is gone
				worker.stopped = true;
			},
			workerOf: (executionId) => Object.entries(executionsByWorker()).find(([, ids]) => ids.includes(String(executionId)))?.[0],
			executionsByWorker,
			close,
		};
	} catch (err) {
		await close();
		throw err;
	}
}
