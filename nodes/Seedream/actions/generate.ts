import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { acquireJobSlot } from '../../shared/accountLimits';
import { cancelSignalOf, getAccount } from '../../shared/api';
import { IDEMPOTENCY_KEY_MAX_CHARS } from '../../shared/constants';
import { isTerminal, parseJob } from '../../shared/job';
import { jobToItems } from '../../shared/jobOutput';
import { getJob, waitForJob } from '../../shared/polling';
import { readOutputOptions } from '../shared/descriptions';
import { runItem } from './itemErrors';
import { explainFinishedJob } from './jobOutcome';
import { sendRoutedRequest } from './routedRequest';
import { runningJobLimit } from './runningJobLimit';
import { binaryPropertyNames, checkReferenceBinaries, uploadReferenceImages } from './references';
import { describeProblems, splitUrlList, validateGenerateBody } from './validateGenerate';

/**
 * Derived from execution, node, run and item, so any retry of this item within the execution —
 * ours, or n8n's Retry On Fail — gets the original job back instead of a second bill.
 */
export function idempotencyKeyFor(ctx: IExecuteSingleFunctions): string {
	const custom = String((ctx.getNodeParameter('options.idempotencyKey', '') as string) ?? '').trim();
	if (custom) return custom;
	const runIndex = Number(ctx.evaluateExpression('={{ $runIndex }}', ctx.getItemIndex()) ?? 0);
	return `n8n-${ctx.getExecutionId()}-${ctx.getNode().id}-${runIndex}-${ctx.getItemIndex()}`;
}

/** Checks the routed request and completes it (reference uploads, Idempotency-Key) before it can cost anything. */
async function prepareSubmission(ctx: IExecutePaginationFunctions, request: DeclarativeRestApiSettings.ResultOptions) {
	const body = request.options.body as IDataObject;
	const params = (body.seedreamParams ?? {}) as IDataObject;
	const urls = splitUrlList(params.image_input);
	if (urls.length) params.image_input = urls;
	else delete params.image_input;
	const binaryNames = binaryPropertyNames(ctx);
	if (binaryNames.length && !params.image_input) params.image_input = [];
	const idempotencyKey = idempotencyKeyFor(ctx);
	const problems = [...validateGenerateBody(body), ...checkReferenceBinaries(ctx, binaryNames)];
	if (idempotencyKey.length > IDEMPOTENCY_KEY_MAX_CHARS) {
		problems.push({ field: 'Idempotency Key', value: `${idempotencyKey.length} characters`, allowed: `must be at most ${IDEMPOTENCY_KEY_MAX_CHARS} characters` });
	}
	if (problems.length) {
		throw new NodeOperationError(ctx.getNode(), `Invalid parameter: ${describeProblems(problems)}`, {
			itemIndex: ctx.getItemIndex(),
			description: 'Nothing was sent to Apiframe and nothing was charged for this item. Fix the value and run it again.',
		});
	}
	if (binaryNames.length) {
		const seedreamParams = body.seedreamParams as IDataObject;
		seedreamParams.image_input = [...(seedreamParams.image_input as string[]), ...(await uploadReferenceImages(ctx, binaryNames))];
	}
	request.options.headers = { ...request.options.headers, 'Idempotency-Key': idempotencyKey };
	return { idempotencyKey, body };
}

/**
 * Image → Generate, from validation to files. Registered as the operation's pagination hook
 * because that is the one place the routing engine lets a node wrap its own request: we need
 * try/finally around it (a running-job slot) and a retry loop (429, 5xx, dropped connections).
 */
export async function generateImage(
	this: IExecutePaginationFunctions,
	request: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, async (state) => {
		const itemIndex = this.getItemIndex();
		const waitForCompletion = this.getNodeParameter('waitForCompletion', true) as boolean;
		const output = readOutputOptions(this, true);
		const account = await getAccount(this);
		// A bad row fails here, at once, without waiting for a running-job slot.
		const sent = await prepareSubmission(this, request);
		const sentParameters: IDataObject = { prompt: sent.body.prompt, seedreamParams: sent.body.seedreamParams ?? {} };
		const release = waitForCompletion
			? await acquireJobSlot(account.accountKey, await runningJobLimit(this, account, output.maxRunningJobs), cancelSignalOf(this))
			: () => {};
		let job;
		try {
			const submitted = await sendRoutedRequest(this, request, account.accountKey);
			state.jobId = String(submitted.jobId);
			if (!waitForCompletion) {
				const json: IDataObject = {
					jobId: state.jobId,
					status: submitted.status,
					...sentParameters,
					idempotencyKey: sent.idempotencyKey,
				};
				if (sent.body.webhookUrl) json.webhookUrl = sent.body.webhookUrl;
				return [{ json, pairedItem: { item: itemIndex } }];
			}
			const accepted = parseJob({ ...submitted, id: state.jobId });
			// A replayed Idempotency-Key answers with the job's current status but no result: read it.
			const known = isTerminal(accepted.status) ? parseJob(await getJob(this, state.jobId)) : accepted;
			job = await waitForJob(this, state.jobId, output.timeoutMs, known);
		} finally {
			release();
		}
		explainFinishedJob(this, job);
		return await jobToItems(this, job, output, sentParameters, { item: itemIndex });
	});
}
