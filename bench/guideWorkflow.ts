/**
 * Baseline (b)'s workflow: the HTTP Request + Wait loop of Apiframe's n8n guide, with n8n's
 * built-in nodes at their defaults: POST /v2/images/generate → Wait → GET /v2/jobs/{id} →
 * IF status is COMPLETED → download the image; otherwise back to Wait.
 */
import { benchNode } from './n8nRun';

export const HEADER_CREDENTIAL = { id: 'benchApiframeHdr1', name: 'Apiframe API key (header)' };
export const DOWNLOAD_NODE = 'Download Image';
export const WAIT_NODE = 'Wait';

const credentials = { httpHeaderAuth: HEADER_CREDENTIAL };
const auth = { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' };
const node = benchNode('bench');

export function guideWorkflow(id: string, simUrl: string, prompts: string[], waitSeconds: number): Record<string, unknown> {
	const nodes = [
		node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
		node('Rows', 'n8n-nodes-base.set', 3.4, 200, { mode: 'raw', jsonOutput: JSON.stringify({ prompts }), options: {} }),
		node('Split Rows', 'n8n-nodes-base.splitOut', 1, 400, { fieldToSplitOut: 'prompts', options: {} }),
		node(
			'Generate Image',
			'n8n-nodes-base.httpRequest',
			4.2,
			600,
			{
				method: 'POST',
				url: `${simUrl}/v2/images/generate`,
				...auth,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: "={{ JSON.stringify({ model: 'seedream-4.5', prompt: $json.prompts, seedreamParams: { output_format: 'png' } }) }}",
				options: {},
			},
			{ credentials },
		),
		node(WAIT_NODE, 'n8n-nodes-base.wait', 1.1, 800, { resume: 'timeInterval', amount: waitSeconds, unit: 'seconds' }, { webhookId: '6f0c6a52-3c8e-4b59-9a44-6b7f5f1d2e01' }),
		node('Get Job', 'n8n-nodes-base.httpRequest', 4.2, 1000, { method: 'GET', url: `=${simUrl}/v2/jobs/{{ $json.jobId ?? $json.id }}`, ...auth, options: {} }, { credentials }),
		node('Completed?', 'n8n-nodes-base.if', 2.2, 1200, {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [{ id: 'bench-status', leftValue: '={{ $json.status }}', rightValue: 'COMPLETED', operator: { type: 'string', operation: 'equals' } }],
				combinator: 'and',
			},
			options: {},
		}),
		node(DOWNLOAD_NODE, 'n8n-nodes-base.httpRequest', 4.2, 1400, { method: 'GET', url: '={{ $json.result.images[0] }}', options: { response: { response: { responseFormat: 'file' } } } }),
	];
	const to = (target: string) => ({ main: [[{ node: target, type: 'main', index: 0 }]] });
	return {
		id,
		name: `Bench: Apiframe guide loop (${prompts.length} rows)`,
		nodes,
		connections: {
			Start: to('Rows'),
			Rows: to('Split Rows'),
			'Split Rows': to('Generate Image'),
			'Generate Image': to(WAIT_NODE),
			[WAIT_NODE]: to('Get Job'),
			'Get Job': to('Completed?'),
			'Completed?': { main: [[{ node: DOWNLOAD_NODE, type: 'main', index: 0 }], [{ node: WAIT_NODE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
