/**
 * The Seedream node itself in a real n8n 2.41.1 (`n8n execute`), S1 and S2 shapes, one run each,
 * next to the engine figures: Start → rows → Split Out → Seedream (defaults, PNG). Real time (the
 * node's clock cannot be scaled inside n8n), so S2 takes its full 20 × 15 s.
 */
import { idealMs } from './config';
import type { BaselineRun } from './baselineSequential';
import type { ScenarioShape } from './nodeScenario';
import { defaultPrompt, simulatorOptions } from './nodeScenario';
import { REPO_ROOT, freshKey, startSimProcess } from './simProcess';
import { round } from './stats';
import { analyseTraffic } from './traffic';
import type { N8nInstance } from '../test/e2e/n8n';
import { createInstance, destroyInstance, execute, importCredentials, importWorkflow, prepareN8n, stopAll } from '../test/e2e/n8n';

export interface NodeInN8nRun extends BaselineRun {
	executionStatus: string;
	error?: string;
}

const CREDENTIAL = { id: 'benchApiframeNode1', name: 'Apiframe (bench)' };

function workflow(id: string, prompts: string[]): Record<string, unknown> {
	const node = (name: string, type: string, typeVersion: number, x: number, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
		id: `bench-node-${name.toLowerCase().replace(/[^a-z]+/g, '-')}`,
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...extra,
	});
	const nodes = [
		node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
		node('Rows', 'n8n-nodes-base.set', 3.4, 200, { mode: 'raw', jsonOutput: JSON.stringify({ prompts }), options: {} }),
		node('Split Rows', 'n8n-nodes-base.splitOut', 1, 400, { fieldToSplitOut: 'prompts', options: {} }),
		node(
			'Seedream',
			'n8n-nodes-seedream.seedream',
			1,
			600,
			{ resource: 'image', operation: 'generate', prompt: '={{ $json.prompts }}', options: { outputFormat: 'png' } },
			{ credentials: { apiframeApi: CREDENTIAL }, onError: 'continueRegularOutput' },
		),
	];
	const chain = ['Start', 'Rows', 'Split Rows', 'Seedream'];
	const connections = Object.fromEntries(chain.slice(0, -1).map((from, i) => [from, { main: [[{ node: chain[i + 1], type: 'main', index: 0 }]] }]));
	return { id, name: `bench: Seedream node ${id}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

async function runOne(instance: N8nInstance, shape: ScenarioShape, index: number): Promise<NodeInN8nRun> {
	const sim = await startSimProcess(simulatorOptions(shape));
	try {
		const key = freshKey('n8nnode');
		await sim.reset(key);
		await importCredentials(instance, [{ ...CREDENTIAL, type: 'apiframeApi', data: { apiKey: key, baseUrl: sim.url } }]);
		const id = await importWorkflow(instance, workflow(`benchNode${index}`, Array.from({ length: shape.rows }, (_, i) => defaultPrompt(i))));
		const result = await execute(instance, id, { timeoutMs: 900_000 });
		const run = result.json ?? {};
		const items: Array<{ binary?: unknown; json?: { error?: unknown } }> = run.data?.resultData?.runData?.Seedream?.[0]?.data?.main?.[0] ?? [];
		const wallMs = Date.parse(run.stoppedAt) - Date.parse(run.startedAt);
		const rowsOut = items.filter((item) => item.binary && !item.json?.error).length;
		const error = run.data?.resultData?.error?.message ?? (result.code === 0 ? undefined : `n8n execute exited ${result.code}`);
		return {
			wallMs,
			ratio: round(wallMs / (idealMs(shape.rows, shape.maxConcurrentJobs) * shape.timeScale), 3),
			rowsOut,
			rowsLost: shape.rows - rowsOut,
			traffic: analyseTraffic(await sim.requests(), await sim.jobs(), shape.timeScale, shape.maxConcurrentJobs),
			executionStatus: String(run.status ?? (result.code === 0 ? 'success' : 'error')),
			...(error ? { error: String(error).slice(0, 300) } : {}),
		};
	} finally {
		await sim.close();
	}
}

export async function runNodeInN8n(shapes: ScenarioShape[]): Promise<NodeInN8nRun[]> {
	const paths = await prepareN8n();
	const instance = await createInstance({ packageDir: REPO_ROOT, paths });
	try {
		const results: NodeInN8nRun[] = [];
		for (const [index, shape] of shapes.entries()) results.push(await runOne(instance, shape, index + 1));
		return results;
	} finally {
		await destroyInstance(instance);
		await stopAll();
	}
}
