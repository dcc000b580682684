/**
 * What the demo, `npm run dev` and the e2e tests share: an Apiframe to talk to (the simulator, or
 * the real API when APIFRAME_API_KEY is set), a throwaway real n8n with this package linked in,
 * the credential and the example workflows imported, and cleanup that leaves no process behind.
 */
import * as fs from 'fs';
import * as path from 'path';

import {
	createInstance,
	destroyInstance,
	importCredentials,
	runCli,
	stopAll,
	type CreateInstanceOptions,
	type N8nCredential,
	type N8nInstance,
} from '../../test/e2e/n8n';
import { killGroup, live } from '../../test/e2e/processes';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../test/simulator';
import { apiframeCredential, ROOT_DIR, type Workflow } from './examples';

/**
 * Looks like the real service but finishes fast: a Seedream job takes 15 s ± 3 s on Apiframe,
 * here a tenth of that (1.2–1.8 s), so the node's first poll (2 s, real time inside n8n) finds it
 * done. Full-size 2K images: encoding a 2048×2048 JPEG takes ~0.4 s, fine for ten rows.
 */
export const DEMO_SIMULATOR: SimulatorOptions = { timeScale: 0.1, latencyMs: 15_000, latencySpreadMs: 3_000, imageScale: 1 };

export interface Api {
	url: string;
	apiKey: string;
	/** Set when we run the simulator (in this process). */
	sim?: Simulator;
	label: string;
}

/** The real API when APIFRAME_API_KEY is set (base APIFRAME_BASE_URL or api.apiframe.ai), else the simulator. */
export async function startApi(simOptions: SimulatorOptions = DEMO_SIMULATOR): Promise<Api> {
	const realKey = process.env.APIFRAME_API_KEY;
	if (realKey) {
		const url = (process.env.APIFRAME_BASE_URL || 'https://api.apiframe.ai').replace(/\/+$/, '');
		return { url, apiKey: realKey, label: `Apiframe API at ${url} (APIFRAME_API_KEY)` };
	}
	const sim = await startSimulator({ host: '127.0.0.1', port: 0, ...simOptions });
	const secs = ((simOptions.latencyMs ?? 15_000) * (simOptions.timeScale ?? 1)) / 1000;
	const scale = simOptions.imageScale && simOptions.imageScale !== 1 ? `, images scaled ×${simOptions.imageScale}` : ', full-size images';
	return { url: sim.url, apiKey: sim.apiKey, sim, label: `Apiframe simulator at ${sim.url} (jobs ~${secs.toFixed(1)} s${scale})` };
}

/** Imports several workflows with one CLI call (each n8n CLI start costs ~5 s). */
export async function importWorkflows(instance: N8nInstance, workflows: Workflow[]): Promise<void> {
	const file = path.join(instance.userFolder, `workflows-${Date.now()}.json`);
	fs.writeFileSync(file, JSON.stringify(workflows.map((wf) => ({ settings: {}, active: false, ...wf })), null, '\t'));
	const r = await runCli(instance, ['import:workflow', `--input=${file}`]);
	if (r.code !== 0) throw new Error(`n8n import:workflow failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
}

export interface Stack {
	api: Api;
	instance: N8nInstance;
	/** Stops n8n, the simulator and removes the instance folder; safe to call twice. */
	close(): Promise<void>;
}

/** A fresh n8n with the package (this repository) linked, and the "Apiframe account" credential. */
export async function startStack(opts: {
	api: Api;
	env?: Record<string, string>;
	instance?: Partial<CreateInstanceOptions>;
	/** More credentials to import in the same CLI call. */
	credentials?: N8nCredential[];
}): Promise<Stack> {
	const instance = await createInstance({ packageDir: ROOT_DIR, ...opts.instance, env: { ...opts.env } });
	let closing: Promise<void> | undefined;
	const stack: Stack = {
		api: opts.api,
		instance,
		close: () =>
			(closing ??= (async () => {
				await destroyInstance(instance).catch(() => undefined);
				await stopAll();
				await opts.api.sim?.close();
			})()),
	};
	try {
		await importCredentials(instance, [apiframeCredential(opts.api.url, opts.api.apiKey), ...(opts.credentials ?? [])]);
	} catch (err) {
		await stack.close();
		throw err;
	}
	return stack;
}

/**
 * Ctrl-C: n8n runs in process groups of its own that the terminal's SIGINT does not reach, so
 * kill them here, remove the instance folder, then exit like an interrupted process does.
 */
export function exitCleanlyOnSignals(folders: () => string[]): void {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			process.stderr.write(`\n${signal}: stopping n8n and the simulator…\n`);
			for (const child of live) killGroup(child.pid, 'SIGKILL');
			// The killed processes may still hold files for a moment: try a few times.
			for (const dir of folders()) {
				for (let i = 0; i < 20 && fs.existsSync(dir); i++) {
					try {
						fs.rmSync(dir, { recursive: true, force: true });
					} catch {
						const until = Date.now() + 100;
						while (Date.now() < until); // a synchronous pause: we are about to exit anyway
					}
				}
			}
			process.exit(signal === 'SIGINT' ? 130 : 143);
		});
	}
}
