import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { scopedContext } from '../../../shared/api';
import {
	ASPECT_RATIO_LABELS,
	GUIDANCE_DEFAULT,
	GUIDANCE_MAX,
	GUIDANCE_MIN,
	GUIDANCE_STEP,
	OUTPUT_FORMAT_LABELS,
	SEED_MAX,
	SEEDREAM_MODEL_ID,
	SIZE_LABELS,
	SUBMITS_AT_ONCE_WITHOUT_WAITING,
	WEBHOOK_EVENT_LABELS,
} from '../../../shared/constants';
import { jobToItems } from '../../../shared/jobOutput';
import type { RowRun } from '../../actions/batch';
import { runBatch } from '../../actions/batch';
import { explainFinishedJob } from '../../actions/jobOutcome';
import { uploadedReferences } from '../../actions/references';
import { submitJob } from '../../actions/submit';
import { runScopeOf } from '../../actions/submissionIdentity';
import { runJob } from '../../jobRunner';
import { outputOptionsDescription } from '../../shared/descriptions';
import type { PreparedRow } from './generateRows';
import { bodyWithReferences, prepareRow, RowKeys } from './generateRows';

const showOnlyForGenerate = { resource: ['image'], operation: ['generate'] };

/** An options list from one of the constants' label tables, sorted by name as the editor shows it. */
function optionsOf(labels: Record<string, { name: string; description?: string }>): INodePropertyOptions[] {
	return Object.entries(labels)
		.map(([value, label]) => ({ value, ...label }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** The fields of Image → Generate; bodyOf (generateRows.ts) reads them into the request body. */
export const description: INodeProperties[] = [
	{
		displayName: 'Model Name or ID',
		name: 'model',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getSeedreamModels' },
		default: SEEDREAM_MODEL_ID,
		description:
			'The Seedream model, from Apiframe\'s catalog with its credit cost. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: showOnlyForGenerate },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		placeholder: 'A majestic snow leopard on a misty mountain ridge at golden hour',
		description: 'What to generate, 1–2000 characters',
		displayOptions: { show: showOnlyForGenerate },
	},
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		options: optionsOf(ASPECT_RATIO_LABELS),
		default: '1:1',
		description: 'Shape of the image; with Seedream 4.5 at 2K, 1:1 is 2048×2048 and 16:9 is 2560×1440',
		displayOptions: { show: showOnlyForGenerate },
	},
	{
		displayName: 'Size',
		name: 'size',
		type: 'options',
		options: optionsOf(SIZE_LABELS),
		default: '2K',
		displayOptions: { show: showOnlyForGenerate },
	},
	{
		displayName: 'Width',
		name: 'width',
		type: 'number',
		typeOptions: { minValue: 512, maxValue: 4096 },
		default: 2048,
		description: 'Image width in pixels: 1024–4096 for Seedream 4.5, 512–4096 for the other models',
		displayOptions: { show: { ...showOnlyForGenerate, size: ['custom'] } },
	},
	{
		displayName: 'Height',
		name: 'height',
		type: 'number',
		typeOptions: { minValue: 512, maxValue: 4096 },
		default: 2048,
		description: 'Image height in pixels: 1024–4096 for Seedream 4.5, 512–4096 for the other models',
		displayOptions: { show: { ...showOnlyForGenerate, size: ['custom'] } },
	},
	{
		displayName: 'Reference Image URLs',
		name: 'referenceImageUrls',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/input.jpg',
		description: 'Up to 14 reference images for image-to-image editing: URLs separated by commas or new lines, or an expression returning a list',
		displayOptions: { show: showOnlyForGenerate },
	},
	{
		displayName: 'Reference Image (Binary Property)',
		name: 'referenceImageBinary',
		type: 'string',
		default: '',
		placeholder: 'data',
		description: 'Name(s) of binary properties of the input item to use as reference images, separated by commas. They are uploaded to Apiframe (free) first.',
		displayOptions: { show: showOnlyForGenerate },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description: 'Whether to wait for the image and return it as a file. Off: return the jobId at once (collect it with Job → Wait or the Seedream Trigger).',
		displayOptions: { show: showOnlyForGenerate },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: showOnlyForGenerate },
		options: [
			{
				displayName: 'Enhance Prompt',
				name: 'enhancePrompt',
				type: 'boolean',
				default: false,
				description: 'Whether to let the model enrich the prompt',
			},
			{
				displayName: 'Guidance Scale',
				name: 'guidanceScale',
				type: 'number',
				typeOptions: { minValue: GUIDANCE_MIN, maxValue: GUIDANCE_MAX, numberPrecision: 1, numberStepSize: GUIDANCE_STEP },
				default: GUIDANCE_DEFAULT,
				description: 'How closely to follow the prompt, 1–10 in steps of 0.5 (default 3)',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				description:
					'Requests with the same key within 24 hours return the first job instead of a new one. Leave empty to let Idempotency Scope derive a key. Two rows of one run may not share a key.',
			},
			{
				displayName: 'Idempotency Scope',
				name: 'idempotencyScope',
				type: 'options',
				options: [
					{
						name: 'Per Run and Row',
						value: 'run',
						description: 'Retries of a row are never billed twice; every new execution, loop iteration and n8n instance gets new jobs',
					},
					{
						name: 'Per Content (Reuse Jobs Across Runs)',
						value: 'content',
						description: 'Running the same rows again in this workflow (after a crash or a failed execution) reuses the jobs already billed instead of paying again',
					},
				],
				default: 'run',
				description: 'What makes two submissions the same job when no Idempotency Key is set',
			},
			{
				displayName: 'Output Format',
				name: 'outputFormat',
				type: 'options',
				options: optionsOf(OUTPUT_FORMAT_LABELS),
				default: 'jpg',
			},
			{
				displayName: 'Resolution',
				name: 'resolution',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2048x2048',
				description:
					"Sent as seedreamParams.resolution, exactly as typed. Apiframe's v2 API accepts this field for every Seedream model and passes it on to the provider; it documents no values, so add it only when your model's provider names one.",
			},
			{
				displayName: 'Seed',
				name: 'seed',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: SEED_MAX, numberPrecision: 0 },
				default: 0,
				description: 'Reuse a number to reproduce the same result; leave the option out for a random one',
			},
			{
				displayName: 'Use Pre-LLM',
				name: 'usePreLlm',
				type: 'boolean',
				default: false,
				description: 'Whether to pre-process the prompt with an LLM',
			},
			{
				displayName: 'Webhook Events',
				name: 'webhookEvents',
				type: 'multiOptions',
				options: optionsOf(WEBHOOK_EVENT_LABELS),
				default: ['completed', 'failed'],
				description: 'Which job events Apiframe posts to the Webhook URL',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'https://your-n8n.example.com/webhook/seedream',
				description: "Where Apiframe posts the job's events: paste the Production URL of a Seedream Trigger node",
			},
		],
	},
	outputOptionsDescription({ show: { ...showOnlyForGenerate, waitForCompletion: [true] }, downloadDefault: true, withTimeout: true, withMaxRunningJobs: true }),
];


function sentParameters(body: IDataObject, idempotencyKey: string): IDataObject {
	return { prompt: body.prompt, seedreamParams: body.seedreamParams ?? {}, idempotencyKey };
}

async function generateRow({ ctx, itemIndex, beforeSubmit, noteJob, failed }: RowRun, row: PreparedRow): Promise<INodeExecutionData[]> {
	if (!row.waitForCompletion) {
		beforeSubmit();
		const body = await bodyWithReferences(ctx, itemIndex, row);
		const uploads = uploadedReferences(ctx, itemIndex, row.referenceBinaries);
		const submitted = await submitJob(scopedContext(ctx, { signal: ctx.getExecutionCancelSignal() }), body, row.idempotencyKey, uploads);
		noteJob(submitted.jobId);
		const json: IDataObject = { jobId: submitted.jobId, status: submitted.status, ...sentParameters(body, submitted.idempotencyKey) };
		if (body.webhookUrl) json.webhookUrl = body.webhookUrl;
		return [{ json }];
	}
	const { job, body, idempotencyKey } = await runJob(ctx, {
		idempotencyKey: row.idempotencyKey,
		// Uploads run inside the job's place, so a batch waiting its turn holds no upload URLs that age.
		body: async () => await bodyWithReferences(ctx, itemIndex, row),
		submit: async (submitting, body, key) => await submitJob(submitting, body, key, uploadedReferences(ctx, itemIndex, row.referenceBinaries)),
		timeoutMs: row.output.timeoutMs,
		maxRunningJobs: row.output.maxRunningJobs,
		beforeSubmit,
		noteJob,
		check: (finished) => explainFinishedJob(ctx.getNode(), finished, itemIndex, row.output.download),
		failed,
	});
	return await jobToItems(ctx, job, row.output, sentParameters(body, idempotencyKey));
}

/**
 * Image → Generate, a custom operation: declarative routing sends one request per item, while a
 * generation is validation of the whole batch, reference uploads, a submit under an
 * Idempotency-Key, a place in the account's running-job window, the wait and downloads — and a
 * batch that stops billing the moment n8n would throw its output away.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const keys = new RowKeys(runScopeOf(this));
	const waits = this.getInputData().length === 0 || (this.getNodeParameter('waitForCompletion', 0, true) as boolean);
	return await runBatch(this, {
		prepare: async (itemIndex) => await prepareRow(this, itemIndex, keys),
		run: generateRow,
		rowsAtOnce: waits ? undefined : SUBMITS_AT_ONCE_WITHOUT_WAITING,
	});
}
