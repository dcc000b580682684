import type { INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ApiframeApi } from '../../dist/credentials/ApiframeApi.credentials';
import { Seedream } from '../../dist/nodes/Seedream/Seedream.node';
import { SeedreamTrigger } from '../../dist/nodes/SeedreamTrigger/SeedreamTrigger.node';
import { setTimeScale } from '../../dist/nodes/shared/timing';
import { forwardTo } from './live';
import type { RunResult } from '../harness';
import { cleanupHarness, runWorkflow } from '../harness';
import type { Simulator, SimulatorOptions } from '../simulator';
import { startSimulator } from '../simulator';

export const SEEDREAM_TYPE = 'n8n-nodes-seedream.seedream';
export const TRIGGER_TYPE = 'n8n-nodes-seedream.seedreamTrigger';
export const seedreamNodeType = new Seedream();
export const triggerNodeType = new SeedreamTrigger();
export const credentialType = new ApiframeApi();

/** The simulator and the node run on one clock: a 15 s job in 150 ms, a 2 s poll in 20 ms. */
export const TEST_TIME_SCALE = 0.01;
export const TEST_IMAGE_SCALE = 1 / 32;
export function useTestTimeScale(scale = TEST_TIME_SCALE): void {
	setTimeScale(scale);
}

/**
 * The suite's simulator on the test clock: started before the suite, reset before each test,
 * closed (with the harness) after. The object forwards to the live simulator.
 */
export function useSimulator(options: SimulatorOptions = {}): Simulator {
	let live: Simulator | undefined;
	beforeAll(async () => {
		useTestTimeScale();
		live = await startSimulator({ timeScale: TEST_TIME_SCALE, imageScale: TEST_IMAGE_SCALE, ...options });
	});
	beforeEach(() => live?.reset());
	afterAll(async () => {
		await live?.close();
		await cleanupHarness();
	});
	return forwardTo(() => live, 'simulator');
}

export function rows(prompts: string[], extra: (index: number) => Record<string, unknown> = () => ({})): INodeExecutionData[] {
	return prompts.map((prompt, index) => ({ json: { row: index + 1, prompt, ...extra(index) } }));
}

export interface RunSeedreamOptions {
	sim: Simulator;
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	executionId?: string;
	apiKey?: string;
	/** The credential's data, when a test needs another Base URL than the simulator's own. */
	credentials?: { apiKey: string; baseUrl: string };
	abortSignal?: AbortSignal;
	/** Node settings as the editor stores them, e.g. { retryOnFail: true, waitBetweenTries: 10 }. */
	nodeSettings?: Partial<INode>;
}

/** Runs Start → Seedream through n8n's own engine against the simulator. */
export async function runSeedream(options: RunSeedreamOptions): Promise<RunResult> {
	const node: INode = {
		id: 'seedream-node-1',
		name: 'Seedream',
		type: SEEDREAM_TYPE,
		typeVersion: 1,
		position: [200, 0],
		parameters: options.parameters,
		credentials: { apiframeApi: { id: 'cred-1', name: 'Apiframe account' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...options.nodeSettings,
	};
	return await runWorkflow({
		nodeTypes: { [SEEDREAM_TYPE]: seedreamNodeType },
		credentialTypes: [credentialType],
		credentials: { apiframeApi: options.credentials ?? { apiKey: options.apiKey ?? options.sim.apiKey, baseUrl: options.sim.url } },
		workflow: { nodes: [node], connections: {} },
		inputItems: options.items ?? [{ json: {} }],
		executionId: options.executionId,
		abortSignal: options.abortSignal,
	});
}

export function generateParameters(extra: INodeParameters = {}): INodeParameters {
	return { resource: 'image', operation: 'generate', prompt: '={{ $json.prompt }}', ...extra };
}

export function submitsOf(sim: Simulator) {
	return sim.requests().filter((r) => r.method === 'POST' && r.path === '/v2/images/generate');
}
