/**
 * The simulator in a child process of its own (its CLI, test/simulator/cli.ts), so that its
 * CPU time, its timers and the images it renders and caches are not part of the process
 * being measured. Read back through its admin endpoints (/__sim/requests, /__sim/jobs).
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';

import type { RecordedRequest, SimJob, SimulatorOptions } from '../test/simulator';
import { http, isOk } from '../test/support/http';

export const REPO_ROOT = path.resolve(__dirname, '..');
const CLI = path.join(REPO_ROOT, 'test', 'simulator', 'cli.ts');
const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((child) => child.kill('SIGKILL')));

export interface SimProcess {
	url: string;
	apiKey: string;
	pid: number;
	requests(): Promise<RecordedRequest[]>;
	jobs(): Promise<SimJob[]>;
	/** Forgets jobs, requests and rate counters; then adds `key` (a fresh account for the node). */
	reset(key?: string): Promise<void>;
	/** Adds an API key (an account of its own) without forgetting anything. */
	addKey(key: string): Promise<void>;
	close(): Promise<void>;
}

function flags(o: SimulatorOptions): string[] {
	const pairs: Array<[string, unknown]> = [
		['port', o.port ?? 0],
		['host', o.host ?? '127.0.0.1'],
		['public-url', o.publicUrl],
		['latency-ms', o.latencyMs],
		['latency-spread-ms', o.latencySpreadMs],
		['time-scale', o.timeScale],
		['image-scale', o.imageScale],
		['max-concurrent-jobs', o.maxConcurrentJobs],
		['rate-limit', o.rateLimitPerMinute],
		['latency-distribution', o.latencyDistribution],
		['random-seed', o.randomSeed],
		['progress-curve', o.progressCurve],
		['report-concurrency-limit', o.reportConcurrencyLimit],
	];
	return pairs.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [`--${k}`, String(v)]);
}

/** Node with ts-node's transpile-only hook, the way `npm run simulator` runs the CLI. */
export function tsNodeArgs(file: string, args: string[] = []): string[] {
	return ['-r', 'ts-node/register/transpile-only', file, ...args];
}

export async function startSimProcess(options: SimulatorOptions): Promise<SimProcess> {
	const child = spawn(process.execPath, tsNodeArgs(CLI, flags(options)), {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
	});
	live.add(child);
	let output = '';
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`simulator did not start:\n${output}`)), 60_000);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (\S+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`simulator exited with ${code}:\n${output}`));
		});
	});
	// With a public URL (a file server in front), the CLI prints that one: the API is on the port.
	const apiUrl = options.publicUrl ? `http://${options.host ?? '127.0.0.1'}:${options.port}` : url;
	if (options.publicUrl && !options.port) throw new Error('a simulator with a public URL needs a fixed port');
	const apiKey = /API key: (\S+)/.exec(output)?.[1] ?? 'afk_sim_0000000000000000000000000000000000';
	const admin = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
		const res = await http.request<T>({ method, url: `${apiUrl}${route}`, data: body });
		if (!isOk(res.status)) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(res.data)}`);
		return res.data;
	};
	const sim: SimProcess = {
		url: apiUrl,
		apiKey,
		pid: child.pid!,
		requests: () => admin('GET', '/__sim/requests'),
		jobs: () => admin('GET', '/__sim/jobs'),
		reset: async (key) => {
			await admin('POST', '/__sim/reset');
			if (key) {
				await admin('POST', '/__sim/keys', { key, credits: 1_000_000 });
				sim.apiKey = key;
			}
		},
		addKey: async (key) => {
			await admin('POST', '/__sim/keys', { key, credits: 1_000_000 });
		},
		close: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
			await exited;
			clearTimeout(timer);
			live.delete(child);
		},
	};
	return sim;
}

let keyCounter = 0;
/** A key no earlier run used: the node keeps per-account state (running-job gate, /v2/me answer). */
export function freshKey(label: string): string {
	keyCounter++;
	return `afk_bench_${label}_${process.pid}_${keyCounter}`.replace(/[^A-Za-z0-9_]/g, '_');
}
