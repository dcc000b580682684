import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { accountWindow } from '../../../shared/accountLimits';
import { cancelSignalOf, getAccount, scopedContext } from '../../../shared/api';
import {
	GUIDANCE_DEFAULT,
	GUIDANCE_MAX,
	GUIDANCE_MIN,
	GUIDANCE_STEP,
	IDEMPOTENCY_KEY_MAX_CHARS,
	SEED_MAX,
	SEEDREAM_MODEL_ID,
	SUBMITS_AT_ONCE_WITHOUT_WAITING,
} from '../../../shared/constants';
import { isTerminal, parseJob } from '../../../shared/job';
import { jobToItems } from '../../../shared/jobOutput';
import { apiDurationMs, durationKey } from '../../../shared/jobDurations';
import { getJob, waitForJob } from '../../../shared/polling';
import type { RowRun } from '../../actions/batch';
import { runBatch } from '../../actions/batch';
import { explainFinishedJob } from '../../actions/jobOutcome';
import { binaryPropertyNames, checkReferenceBinaries, fingerprintReferences, uploadedReferences, uploadReferenceImages } from '../../actions/references';
import { bodyFromFields } from '../../actions/requestBody';
import { fixedRunningJobLimit } from '../../actions/runningJobLimit';
import { submitJob } from '../../actions/submit';
import type { IdentityMode, RunScope } from '../../actions/submissionIdentity';
import { contentKey, runKey, runScopeOf } from '../../actions/submissionIdentity';
import type { FieldProblem } from '../../actions/validateGenerate';
import { describeProblems, validateGenerateBody } from '../../actions/validateGenerate';
import type { ReadOutputOptions } from '../../shared/descriptions';
import { outputOptionsDescription, readOutputOptions } from '../../shared/descriptions';

const showOnlyForGenerate = { resource: ['image'], operation: ['generate'] };
const param = (name: string) => ({ type: 'body' as const, property: `seedreamParams.${name}` });

/**
 * The fields of Image → Generate. Each one's `routing.send` declares where its value goes in the
 * request body; `execute` below builds the body from these declarations (bodyFromFields).
 */
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
		routing: { send: { type: 'body', property: 'model' } },
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
		routing: { send: { type: 'body', property: 'prompt' } },
	},
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		options: [
			{ name: 'Landscape (4:3)', value: '4:3' },
			{ name: 'Match Input Image', value: 'match_input_image', description: 'Same shape as the first reference image' },
			{ name: 'Portrait (3:4)', value: '3:4' },
			{ name: 'Square (1:1)', value: '1:1' },
			{ name: 'Vertical (9:16)', value: '9:16' },
			{ name: 'Widescreen (16:9)', value: '16:9' },
		],
		default: '1:1',
		description: 'Shape of the image; with Seedream 4.5 at 2K, 1:1 is 2048×2048 and 16:9 is 2560×1440',
		displayOptions: { show: showOnlyForGenerate },
		routing: { send: param('aspect_ratio') },
	},
	{
		displayName: 'Size',
		name: 'size',
		type: 'options',
		options: [
			{ name: '2K', value: '2K', description: 'About 2048 pixels on the long side' },
			{ name: '4K', value: '4K', description: 'About 4096 pixels on the long side' },
			{ name: 'Custom', value: 'custom', description: 'Width and height of your choice: 1024–4096 pixels for Seedream 4.5, 512–4096 for the other models' },
		],
		default: '2K',
		displayOptions: { show: showOnlyForGenerate },
		routing: { send: param('size') },
	},
	{
		displayName: 'Width',
		name: 'width',
		type: 'number',
		typeOptions: { minValue: 512, maxValue: 4096 },
		default: 2048,
		description: 'Image width in pixels: 1024–4096 for Seedream 4.5, 512–4096 for the other models',
		displayOptions: { show: { ...showOnlyForGenerate, size: ['custom'] } },
		routing: { send: param('width') },
	},
	{
		displayName: 'Height',
		name: 'height',
		type: 'number',
		typeOptions: { minValue: 512, maxValue: 4096 },
		default: 2048,
		description: 'Image height in pixels: 1024–4096 for Seedream 4.5, 512–4096 for the other models',
		displayOptions: { show: { ...showOnlyForGenerate, size: ['custom'] } },
		routing: { send: param('height') },
	},
	{
		displayName: 'Reference Image URLs',
		name: 'referenceImageUrls',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/input.jpg',
		description: 'Up to 14 reference images for image-to-image editing: URLs separated by commas or new lines, or an expression returning a list',
		displayOptions: { show: showOnlyForGenerate },
		routing: { send: param('image_input') },
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
				routing: { send: param('enhance_prompt') },
			},
			{
				displayName: 'Guidance Scale',
				name: 'guidanceScale',
				type: 'number',
				typeOptions: { minValue: GUIDANCE_MIN, maxValue: GUIDANCE_MAX, numberPrecision: 1, numberStepSize: GUIDANCE_STEP },
				default: GUIDANCE_DEFAULT,
				description: 'How closely to follow the prompt, 1–10 in steps of 0.5 (default 3)',
				routing: { send: param('guidance_scale') },
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
				options: [
					{ name: 'JPG', value: 'jpg' },
					{ name: 'PNG', value: 'png' },
				],
				default: 'jpg',
				routing: { send: param('output_format') },
			},
			{
				displayName: 'Resolution',
				name: 'resolution',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2048x2048',
				description:
					"Sent as seedreamParams.resolution, exactly as typed. Apiframe's v2 API accepts this field for every Seedream model and passes it on to the provider; it documents no values, so add it only when your model's provider names one.",
				routing: { send: param('resolution') },
			},
			{
				displayName: 'Seed',
				name: 'seed',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: SEED_MAX, numberPrecision: 0 },
				default: 0,
				description: 'Reuse a number to reproduce the same result; leave the option out for a random one',
				routing: { send: param('seed') },
			},
			{
				displayName: 'Use Pre-LLM',
				name: 'usePreLlm',
				type: 'boolean',
				default: false,
				description: 'Whether to pre-process the prompt with an LLM',
				routing: { send: param('use_pre_llm') },
			},
			{
				displayName: 'Webhook Events',
				name: 'webhookEvents',
				type: 'multiOptions',
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Progress', value: 'progress' },
				],
				default: ['completed', 'failed'],
				description: 'Which job events Apiframe posts to the Webhook URL',
				routing: { send: { type: 'body', property: 'webhookEvents' } },
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'https://your-n8n.example.com/webhook/seedream',
				description: "Where Apiframe posts the job's events: paste the Production URL of a Seedream Trigger node",
				routing: { send: { type: 'body', property: 'webhookUrl' } },
			},
		],
	},
	outputOptionsDescription({ show: { ...showOnlyForGenerate, waitForCompletion: [true] }, downloadDefault: true, withTimeout: true }),
];

interface PreparedRow {
	body: IDataObject;
	referenceBinaries: string[];
	idempotencyKey: string;
	waitForCompletion: boolean;
	output: ReadOutputOptions;
}

/** Gives each row of a run its Idempotency-Key, and refuses a custom key two rows share. */
class RowKeys {
	private readonly customKeyRows = new Map<string, number>();
	private readonly contentCounts = new Map<string, number>();

	constructor(private readonly scope: RunScope) {}

	async keyFor(ctx: IExecuteFunctions, itemIndex: number, body: IDataObject, references: string[], problems: FieldProblem[]) {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const custom = String(options.idempotencyKey ?? '').trim();
		if (custom) {
			if (custom.length > IDEMPOTENCY_KEY_MAX_CHARS) {
				problems.push({ field: 'Idempotency Key', value: `${custom.length} characters`, allowed: `must be at most ${IDEMPOTENCY_KEY_MAX_CHARS} characters` });
			}
			const earlier = this.customKeyRows.get(custom);
			if (earlier !== undefined) {
				problems.push({ field: 'Idempotency Key', value: custom, allowed: `must differ from the key of item ${earlier} (two rows with one key would get one job)` });
			}
			return { key: custom, commit: () => this.customKeyRows.set(custom, itemIndex) };
		}
		if ((options.idempotencyScope as IdentityMode | undefined) !== 'content') return { key: runKey(this.scope, itemIndex), commit: () => {} };
		// A row already refused (e.g. a file over the upload limit) is not read just to name it.
		if (problems.length) return { key: '', commit: () => {} };
		// Reference files count by their bytes: an upload's URL differs every time.
		const content = { ...body, referenceFiles: references.length ? await fingerprintReferences(ctx, itemIndex, references) : undefined };
		const first = contentKey(this.scope, content, 1);
		const occurrence = (this.contentCounts.get(first) ?? 0) + 1;
		return { key: contentKey(this.scope, content, occurrence), commit: () => this.contentCounts.set(first, occurrence) };
	}
}

async function prepareRow(ctx: IExecuteFunctions, itemIndex: number, keys: RowKeys): Promise<PreparedRow> {
	const body = bodyFromFields(ctx, itemIndex, description);
	const referenceBinaries = binaryPropertyNames(ctx, itemIndex);
	const problems = [...validateGenerateBody(body, referenceBinaries.length), ...(await checkReferenceBinaries(ctx, itemIndex, referenceBinaries))];
	const { key, commit } = await keys.keyFor(ctx, itemIndex, body, referenceBinaries, problems);
	if (problems.length) {
		throw new NodeOperationError(ctx.getNode(), `Invalid parameter: ${describeProblems(problems)}`, {
			itemIndex,
			description: 'Nothing was sent to Apiframe and nothing was charged for this item. Fix the value and run it again.',
		});
	}
	commit();
	return {
		body,
		referenceBinaries,
		idempotencyKey: key,
		waitForCompletion: ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean,
		output: readOutputOptions(ctx, itemIndex, true),
	};
}

/** Uploads the row's reference files (free) and adds their URLs to the body it sends. */
async function bodyWithReferences(ctx: IExecuteFunctions, itemIndex: number, row: PreparedRow): Promise<IDataObject> {
	if (!row.referenceBinaries.length) return row.body;
	const params = { ...((row.body.seedreamParams as IDataObject | undefined) ?? {}) };
	const urls = await uploadReferenceImages(ctx, itemIndex, row.referenceBinaries);
	params.image_input = [...((params.image_input as string[] | undefined) ?? []), ...urls];
	return { ...row.body, seedreamParams: params };
}

function sentParameters(body: IDataObject, idempotencyKey: string): IDataObject {
	return { prompt: body.prompt, seedreamParams: body.seedreamParams ?? {}, idempotencyKey };
}

async function generateRow({ ctx, itemIndex, beforeSubmit, noteJob, failed }: RowRun, row: PreparedRow): Promise<INodeExecutionData[]> {
	const account = await getAccount(ctx);
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
	const window = accountWindow(account.accountKey, await fixedRunningJobLimit(ctx, account, row.output.maxRunningJobs));
	const lease = await window.acquire(cancelSignalOf(ctx));
	let job;
	let body = row.body;
	let idempotencyKey = row.idempotencyKey;
	let handedOver = false;
	try {
		beforeSubmit();
		// Uploads run inside the window, so a batch waiting its turn holds no upload URLs that age.
		body = await bodyWithReferences(ctx, itemIndex, row);
		const deadlineAtMs = Date.now() + row.output.timeoutMs;
		const timed = scopedContext(ctx, { signal: cancelSignalOf(ctx), deadlineAtMs });
		// A submit in flight is not cut off when another row fails: its job may be billed, so its ID must be known.
		const submitting = scopedContext(ctx, { signal: ctx.getExecutionCancelSignal(), deadlineAtMs });
		const submitted = await submitJob(submitting, body, row.idempotencyKey, uploadedReferences(ctx, itemIndex, row.referenceBinaries));
		window.submitted(lease, submitted.sentAtMs, submitted.jobId);
		noteJob(submitted.jobId);
		idempotencyKey = submitted.idempotencyKey;
		// A replayed key answers with the job's current status but no result: read it.
		const accepted = isTerminal(submitted.status)
			? parseJob(await getJob(timed, submitted.jobId))
			: parseJob({ id: submitted.jobId, status: submitted.status });
		const params = (body.seedreamParams ?? {}) as IDataObject;
		job = await waitForJob(timed, submitted.jobId, accepted, {
			timeoutMs: row.output.timeoutMs,
			durationKey: durationKey(account.baseUrl, String(body.model), params.size ?? '2K'),
			lease,
			window,
		});
		explainFinishedJob(ctx.getNode(), job, itemIndex, row.output.download);
		handedOver = true;
	} finally {
		// A failed row stops the batch before its place in the window wakes a waiting row.
		if (!handedOver) failed();
		window.release(lease, job?.status === 'COMPLETED', job && apiDurationMs(job));
	}
	return await jobToItems(ctx, job, row.output, sentParameters(body, idempotencyKey));
}

/**
 * Image → Generate, a custom operation: declarative routing sends one request per item, while a
 * generation is validation of the whole batch, reference uploads, a submit under an
 * Idempotency-Key, a running-job slot, polling and downloads — and a batch that stops billing the
 * moment n8n would throw its output away.
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
