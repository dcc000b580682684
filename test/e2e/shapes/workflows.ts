/**
 * The workflow shapes of shapes.e2e.test.ts, as the JSON a user would import: a manual trigger,
 * rows from a Code node, and the Seedream node where users put it (in a loop, behind Retry On
 * Fail, in a sub-workflow, as an agent's tool). Every node id is fixed, because the node's
 * Idempotency-Key contains the Seedream node's id and the test computes the keys it expects.
 */
import { CREDENTIAL_ID, CREDENTIAL_NAME, findNode, loadExample, type Workflow } from '../../../scripts/lib/examples';

export const SEEDREAM_TYPE = 'n8n-nodes-seedream.seedream';

/** The Seedream node's id in each shape (the `nodeId` part of its keys). */
export const SEEDREAM_ID = {
	loop: '5eed5a00-0000-4000-8000-000000000101',
	retry: '5eed5a00-0000-4000-8000-000000000201',
	sub: '5eed5a00-0000-4000-8000-000000000301',
	twin: '5eed5a00-0000-4000-8000-000000000401',
	batch: '5eed5a00-0000-4000-8000-000000000501',
	tool: '5eed0e00-0000-4000-8000-000000000027', // the id in examples/ai-agent-tool.json
} as const;

type Params = Record<string, unknown>;
let position = 0;

function node(id: string, name: string, type: string, typeVersion: number, parameters: Params, extra: Params = {}) {
	position += 220;
	return { id, name, type, typeVersion, position: [position, 0], parameters, ...extra };
}

const trigger = (id: string) => node(id, 'Start', 'n8n-nodes-base.manualTrigger', 1, {});

/**
 * A Code node returning `rows` as items, each with n8n's own `$execution.id` (the test checks the
 * keys against it); `binaries` (base64 PNGs) become each row's `binary.data`.
 */
function rowsNode(id: string, rows: Params[], binaries?: Array<{ base64: string; fileName: string }>) {
	const file = binaries ? `, binary: { data: { data: files[i].base64, mimeType: 'image/png', fileName: files[i].fileName, fileExtension: 'png' } }` : '';
	const code = [
		`const files = ${JSON.stringify(binaries ?? [])};`,
		`return ${JSON.stringify(rows)}.map((row, i) => ({ json: { ...row, executionId: $execution.id }${file} }));`,
	].join('\n');
	return node(id, 'Rows', 'n8n-nodes-base.code', 2, { mode: 'runOnceForAllItems', jsCode: code });
}

/** Image → Generate with the defaults a user keeps, the prompt mapped from the row. */
function seedream(id: string, parameters: Params = {}, settings: Params = {}) {
	return node(
		id,
		'Seedream',
		SEEDREAM_TYPE,
		1,
		{
			resource: 'image',
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			aspectRatio: '1:1',
			size: '2K',
			waitForCompletion: true,
			options: {},
			outputOptions: {},
			...parameters,
		},
		{ credentials: { apiframeApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } }, ...settings },
	);
}

const to = (nodeName: string) => ({ node: nodeName, type: 'main', index: 0 });
/** Connections of a straight line of nodes. */
function line(...names: string[]): Record<string, any> {
	const connections: Record<string, any> = {};
	for (let i = 0; i + 1 < names.length; i++) connections[names[i]] = { main: [[to(names[i + 1])]] };
	return connections;
}

const workflow = (id: string, name: string, nodes: any[], connections: Record<string, any>): Workflow => ({
	id,
	name,
	nodes,
	connections,
	settings: { executionOrder: 'v1' },
	active: false,
});

/** 1. Rows → Loop Over Items (batches of 2) → Seedream → back to the loop. */
export function loopWorkflow(id: string, prompts: string[]): Workflow {
	const loop = node('5eed5a00-0000-4000-8000-000000000103', 'Loop Over Items', 'n8n-nodes-base.splitInBatches', 3, { batchSize: 2, options: {} });
	const connections = line('Start', 'Rows', 'Loop Over Items');
	connections['Loop Over Items'] = { main: [[], [to('Seedream')]] }; // output 0 "done", output 1 "loop"
	connections.Seedream = { main: [[to('Loop Over Items')]] };
	return workflow(id, 'shapes: loop over items', [
		trigger('5eed5a00-0000-4000-8000-000000000100'),
		rowsNode('5eed5a00-0000-4000-8000-000000000102', prompts.map((prompt, i) => ({ row: i + 1, prompt }))),
		loop,
		seedream(SEEDREAM_ID.loop),
	], connections);
}

/** 2. Rows with a binary reference image → Seedream (Reference Image: `data`) with Retry On Fail. */
export function retryWorkflow(id: string, rows: Array<{ prompt: string; base64: string; fileName: string }>): Workflow {
	return workflow(id, 'shapes: retry on fail with a binary reference', [
		trigger('5eed5a00-0000-4000-8000-000000000200'),
		rowsNode('5eed5a00-0000-4000-8000-000000000202', rows.map((r, i) => ({ row: i + 1, prompt: r.prompt })), rows),
		seedream(SEEDREAM_ID.retry, { referenceImageBinary: 'data' }, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 }),
	], line('Start', 'Rows', 'Seedream'));
}

/** 3. Parent: rows → Execute Workflow (once per item) → the sub-workflow: trigger → Seedream. */
export function subWorkflows(parentId: string, childId: string, prompts: string[]): [Workflow, Workflow] {
	const call = node('5eed5a00-0000-4000-8000-000000000312', 'Execute Workflow', 'n8n-nodes-base.executeWorkflow', 1.2, {
		source: 'database',
		workflowId: { __rl: true, mode: 'id', value: childId },
		mode: 'each',
		options: { waitForSubWorkflow: true },
	});
	const parent = workflow(parentId, 'shapes: a sub-workflow per row', [
		trigger('5eed5a00-0000-4000-8000-000000000310'),
		rowsNode('5eed5a00-0000-4000-8000-000000000311', prompts.map((prompt, i) => ({ row: i + 1, prompt }))),
		call,
	], line('Start', 'Rows', 'Execute Workflow'));
	const child = workflow(childId, 'shapes: sub-workflow with Seedream', [
		node('5eed5a00-0000-4000-8000-000000000300', 'When called', 'n8n-nodes-base.executeWorkflowTrigger', 1.1, { inputSource: 'passthrough' }),
		seedream(SEEDREAM_ID.sub),
	], line('When called', 'Seedream'));
	return [parent, child];
}

/** 4. The plain "rows → Seedream" workflow, imported as it is into two n8n instances. */
export function twinWorkflow(id: string, prompts: string[]): Workflow {
	return workflow(id, 'shapes: one workflow, two instances', [
		trigger('5eed5a00-0000-4000-8000-000000000400'),
		rowsNode('5eed5a00-0000-4000-8000-000000000402', prompts.map((prompt, i) => ({ row: i + 1, prompt }))),
		seedream(SEEDREAM_ID.twin),
	], line('Start', 'Rows', 'Seedream'));
}

/** 5. Many rows, each with its own Guidance Scale from the sheet; n8n's default On Error (stop). */
export function batchWorkflow(id: string, rows: Array<{ prompt: string; guidance: number }>): Workflow {
	return workflow(id, 'shapes: 50 rows, one bad', [
		trigger('5eed5a00-0000-4000-8000-000000000500'),
		rowsNode('5eed5a00-0000-4000-8000-000000000502', rows.map((r, i) => ({ row: i + 1, ...r }))),
		seedream(SEEDREAM_ID.batch, { options: { guidanceScale: '={{ $json.guidance }}' } }),
	], line('Start', 'Rows', 'Seedream'));
}

/**
 * 6. The AI-agent example, run headless (a manual trigger and a fixed prompt instead of the chat
 * trigger, the local OpenAI stand-in as the model), its Seedream tool set to Retry On Fail.
 */
export function agentWorkflow(id: string, openAiCredential: { id: string; name: string }, scope: 'run' | 'content'): Workflow {
	const wf: Workflow = JSON.parse(JSON.stringify(loadExample('aiAgent')));
	Object.assign(wf, { id, name: `shapes: AI agent, tool retried (${scope} scope)` });
	const chat = findNode(wf, 'When chat message received');
	wf.connections.Start = wf.connections[chat.name];
	delete wf.connections[chat.name];
	delete chat.webhookId;
	Object.assign(chat, { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	Object.assign(findNode(wf, 'AI Agent').parameters, { promptType: 'define', text: 'Please draw me a fox in the snow, widescreen.' });
	// A Set node between trigger and agent records n8n's execution id (the test checks the keys against it).
	wf.nodes.push(node('5eed5a00-0000-4000-8000-000000000601', 'Execution', 'n8n-nodes-base.set', 3.4, {
		mode: 'manual',
		assignments: { assignments: [{ id: 'execution-id', name: 'executionId', value: '={{ $execution.id }}', type: 'string' }] },
		options: {},
	}));
	wf.connections.Execution = wf.connections.Start;
	wf.connections.Start = { main: [[to('Execution')]] };
	findNode(wf, 'OpenAI Chat Model').credentials = { openAiApi: openAiCredential };
	const tool = findNode(wf, 'Seedream');
	Object.assign(tool, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
	if (scope === 'content') tool.parameters.options = { ...tool.parameters.options, idempotencyScope: 'content' };
	return wf;
}
