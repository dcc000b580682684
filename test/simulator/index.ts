/** In-process entry point: start an Apiframe v2 simulator for tests, demos and benchmarks. */
import type { AddressInfo } from 'node:net';
import { addFault } from './admin';
import { adminJob } from './jobs';
import { createServer } from './server';
import { SimState, resolveConfig } from './state';
import type { FaultSpec, KeySpec, Simulator, SimulatorOptions } from './types';

export type {
	FaultSpec,
	KeySpec,
	PublicJob,
	RecordedRequest,
	SimJob,
	Simulator,
	SimulatorOptions,
	WebhookDelivery,
} from './types';
export { DEFAULT_KEY } from './state';
export { signWebhook } from './webhooks';

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
	const cfg = resolveConfig(opts);
	const state = new SimState(cfg);
	const server = createServer(state);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(cfg.port, cfg.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const host = cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
	state.baseUrl = cfg.publicUrl ?? `http://${host}:${port}`;

	let closing: Promise<void> | null = null;
	return {
		url: state.baseUrl,
		apiKey: cfg.keys[0].key,
		requests: () => state.requests.map((r) => ({ ...r })),
		jobs: () => [...state.jobs.values()].map((j) => adminJob(state, j)),
		deliveries: () => [...state.deliveries],
		credits: (key: string) => state.keys.get(key)?.credits ?? 0,
		injectFaults: (f: FaultSpec) => addFault(state, f),
		setKey: (k: KeySpec) => void state.upsertKey(k),
		reset: () => state.reset(),
		close: () => {
			closing ??= new Promise<void>((resolve) => {
				state.closed = true;
				state.reset();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
