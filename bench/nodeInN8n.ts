/**
 * The Seedream node itself in a real n8n 2.41.1 (`n8n execute`), S1 and S2 shapes, one run each,
 * next to the engine figures: Start → rows → Split Out → Seedream (defaults, PNG). Real time (the
 * node's clock cannot be scaled inside n8n), so S2 takes its full 20 × 15 s.
 */
import type { BaselineRun } from './baselineSequential';
import { benchNode, eachShapeInN8n, runInN8n } from './n8nRun';
import type { ScenarioShape } from './nodeScenario';
import { defaultPrompt } from './nodeScenario';
import type { N8nInstance } from '../test/e2e/n8n';

export interface NodeInN8nRun extends BaselineRun {
	executionStatus: string;
	error?: string;
}

const CREDENTIAL = { id: 'benchApiframeNode1', name: 'Apiframe (bench)' };

function workflow(id: string, prompts: string[]): Record<string, unknown> {
	const node = benchNode('bench-node');
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

function imagesOut(runData: Record<string, any[]> | undefined): number {
	const items: Array<{ binary?: unknown; json?: { error?: unknown } }> = runData?.Seedream?.[0]?.data?.main?.[0] ?? [];
	return items.filter((item) => item.binary && !item.json?.error).length;
}

async function runOne(instance: N8nInstance, shape: ScenarioShape, index: number): Promise<NodeInN8nRun> {
	const prompts = Array.from({ length: shape.rows }, (_, i) => defaultPrompt(i));
	const { runData: _runData, ...figures } = await runInN8n(
		instance,
		shape,
		'n8nnode',
		({ apiKey, simUrl }) => ({
			credential: { ...CREDENTIAL, type: 'apiframeApi', data: { apiKey, baseUrl: simUrl } },
			workflow: workflow(`benchNode${index}`, prompts),
		}),
		imagesOut,
	);
	return figures;
}

export async function runNodeInN8n(shapes: ScenarioShape[]): Promise<NodeInN8nRun[]> {
	return await eachShapeInN8n(shapes, runOne);
}
