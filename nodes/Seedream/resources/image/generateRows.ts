import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { IDEMPOTENCY_KEY_MAX_CHARS } from '../../../shared/constants';
import { binaryPropertyNames, checkReferenceBinaries, fingerprintReferences, uploadReferenceImages } from '../../actions/references';
import type { IdentityMode, RunScope } from '../../actions/submissionIdentity';
import { contentKey, runKey } from '../../actions/submissionIdentity';
import type { FieldProblem } from '../../actions/validateGenerate';
import { describeProblems, validateGenerateBody } from '../../actions/validateGenerate';
import type { ReadOutputOptions } from '../../shared/descriptions';
import { readOutputOptions } from '../../shared/descriptions';

export interface PreparedRow {
	body: IDataObject;
	referenceBinaries: string[];
	idempotencyKey: string;
	waitForCompletion: boolean;
	output: ReadOutputOptions;
}

/** The Options collection's fields that go into seedreamParams, by the API's name. */
const PARAM_OPTIONS: Record<string, string> = {
	enhancePrompt: 'enhance_prompt',
	guidanceScale: 'guidance_scale',
	outputFormat: 'output_format',
	resolution: 'resolution',
	seed: 'seed',
	usePreLlm: 'use_pre_llm',
};

/**
 * A row's request body, field by field (validateGenerateBody then checks and normalises it): the
 * shown fields, and of the Options only those the user added.
 */
export function bodyOf(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const field = (name: string) => ctx.getNodeParameter(name, itemIndex, undefined) as IDataObject[string];
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const params: IDataObject = { aspect_ratio: field('aspectRatio'), size: field('size'), image_input: field('referenceImageUrls') };
	if (params.size === 'custom') Object.assign(params, { width: field('width'), height: field('height') });
	for (const [option, key] of Object.entries(PARAM_OPTIONS)) if (options[option] !== undefined) params[key] = options[option];
	const body: IDataObject = { model: field('model'), prompt: field('prompt'), seedreamParams: params };
	if (options.webhookUrl !== undefined) body.webhookUrl = options.webhookUrl;
	if (options.webhookEvents !== undefined) body.webhookEvents = options.webhookEvents;
	return body;
}

/** Gives each row of a run its Idempotency-Key, and refuses a custom key two rows share. */
export class RowKeys {
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

export async function prepareRow(ctx: IExecuteFunctions, itemIndex: number, keys: RowKeys): Promise<PreparedRow> {
	const body = bodyOf(ctx, itemIndex);
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
export async function bodyWithReferences(ctx: IExecuteFunctions, itemIndex: number, row: PreparedRow): Promise<IDataObject> {
	if (!row.referenceBinaries.length) return row.body;
	const params = { ...((row.body.seedreamParams as IDataObject | undefined) ?? {}) };
	const urls = await uploadReferenceImages(ctx, itemIndex, row.referenceBinaries);
	params.image_input = [...((params.image_input as string[] | undefined) ?? []), ...urls];
	return { ...row.body, seedreamParams: params };
}

