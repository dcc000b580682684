/**
 * The workflows the queue-mode test builds, as a user would in the editor: rows from a Code node,
 * Seedream → Image → Generate with `prompt: '={{ $json.prompt }}'`, started by a production
 * Webhook (what reaches the workers in production) or by "Execute workflow" (a manual run,
 * offloaded to the workers), and the receiving side of the webhook pair.
 */
import type { CreatedCredential } from './rest';

export type Trigger = { kind: 'webhook'; path: string; webhookId: string } | { kind: 'manual' };

export const TRIGGER_NAME = { webhook: 'Webhook', manual: "When clicking 'Execute workflow'" } as const;

const credentialsOf = (c: CreatedCredential) => ({ apiframeApi: { id: c.id, name: c.name } });

function triggerNode(trigger: Trigger): any {
	if (trigger.kind === 'manual') {
		return { id: 'e0000000-0000-4000-8000-000000000001', name: TRIGGER_NAME.manual, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	}
	return {
		id: 'e0000000-0000-4000-8000-000000000001',
		name: TRIGGER_NAME.webhook,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: trigger.webhookId,
		// "Immediately": the caller gets 200 at once and the worker runs the batch.
		parameters: { httpMethod: 'POST', path: trigger.path, responseMode: 'onReceived', options: {} },
	};
}

/**
 * Rows from a Code node: `count` rows `{ row, prompt }`; with a webhook trigger the body's
 * `count` and `tag` win over the defaults, so one published workflow serves several batches.
 */
function rowsNode(defaults: { count: number; tag: string }): any {
	const jsCode = [
		'const body = $input.first().json.body ?? {};',
		`const count = Number(body.count ?? ${defaults.count});`,
		`const tag = String(body.tag ?? ${JSON.stringify(defaults.tag)});`,
		'return Array.from({ length: count }, (_, i) => ({',
		'  json: { row: i + 1, prompt: `${tag} row ${i + 1}: a lighthouse on a cliff at dawn, watercolour` },',
		'}));',
	].join('\n');
	return { id: 'e0000000-0000-4000-8000-000000000002', name: 'Rows', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode } };
}

export const SEEDREAM_NODE_ID = 'e0000000-0000-4000-8000-000000000003';

/** Trigger → Rows → Seedream (Image → Generate). */
export function batchWorkflow(opts: {
	name: string;
	trigger: Trigger;
	credential: CreatedCredential;
	rows: { count: number; tag: string };
	waitForCompletion?: boolean;
	options?: Record<string, unknown>;
}): { name: string; nodes: any[]; connections: Record<string, any> } {
	const trigger = triggerNode(opts.trigger);
	return {
		name: opts.name,
		nodes: [
			trigger,
			rowsNode(opts.rows),
			{
				id: SEEDREAM_NODE_ID,
				name: 'Seedream',
				type: 'n8n-nodes-seedream.seedream',
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'image',
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					waitForCompletion: opts.waitForCompletion ?? true,
					options: opts.options ?? {},
					outputOptions: {},
				},
				credentials: credentialsOf(opts.credential),
			},
		],
		connections: {
			[trigger.name]: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Seedream', type: 'main', index: 0 }]] },
		},
	};
}

/**
 * What a node after the trigger sees of the image: its byte length and SHA-256, read with
 * `getBinaryDataBuffer` (n8n's Code node; `crypto` allowed by NODE_FUNCTION_ALLOW_BUILTIN).
 */
const HASH_CODE = [
	"const crypto = require('crypto');",
	'const items = $input.all();',
	'const out = [];',
	'for (let i = 0; i < items.length; i++) {',
	'  const item = items[i];',
	"  const bytes = item.binary?.data ? await this.helpers.getBinaryDataBuffer(i, 'data') : null;",
	'  out.push({ json: {',
	'    jobId: item.json.jobId, event: item.json.event, status: item.json.status,',
	"    bytes: bytes ? bytes.length : null, sha256: bytes ? crypto.createHash('sha256').update(bytes).digest('hex') : null,",
	'    mimeType: item.binary?.data?.mimeType ?? null, binaryId: item.binary?.data?.id ?? null,',
	'  } });',
	'}',
	'return out;',
].join('\n');

/** Seedream Trigger (Production URL `<WEBHOOK_URL>webhook/<webhookId>/seedream`) → "Read image" (bytes + sha256). */
export function receiveWorkflow(opts: { name: string; webhookId: string; credential: CreatedCredential }): { name: string; nodes: any[]; connections: Record<string, any> } {
	return {
		name: opts.name,
		nodes: [
			{
				id: 'e0000000-0000-4000-8000-000000000011',
				name: 'Seedream Trigger',
				type: 'n8n-nodes-seedream.seedreamTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: opts.webhookId,
				parameters: { events: ['completed', 'failed'], verifySignature: true, options: {} },
				credentials: credentialsOf(opts.credential),
			},
			{ id: 'e0000000-0000-4000-8000-000000000012', name: 'Read image', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode: HASH_CODE } },
		],
		connections: { 'Seedream Trigger': { main: [[{ node: 'Read image', type: 'main', index: 0 }]] } },
	};
}

/** Manual trigger → a Code node listing job IDs → Seedream → Job → Wait: collecting jobs a failed run left behind. */
export function collectWorkflow(opts: { name: string; credential: CreatedCredential; jobIds: string[] }): { name: string; nodes: any[]; connections: Record<string, any> } {
	const trigger = triggerNode({ kind: 'manual' });
	return {
		name: opts.name,
		nodes: [
			trigger,
			{
				id: 'e0000000-0000-4000-8000-000000000022',
				name: 'Job IDs',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: `return ${JSON.stringify(opts.jobIds)}.map((jobId) => ({ json: { jobId } }));` },
			},
			{
				id: 'e0000000-0000-4000-8000-000000000023',
				name: 'Job Wait',
				type: 'n8n-nodes-seedream.seedream',
				typeVersion: 1,
				position: [440, 0],
				parameters: { resource: 'job', operation: 'wait', jobId: '={{ $json.jobId }}', outputOptions: {} },
				credentials: credentialsOf(opts.credential),
			},
		],
		connections: {
			[trigger.name]: { main: [[{ node: 'Job IDs', type: 'main', index: 0 }]] },
			'Job IDs': { main: [[{ node: 'Job Wait', type: 'main', index: 0 }]] },
		},
	};
}
