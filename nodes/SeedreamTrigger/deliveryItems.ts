import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { getAccount } from '../shared/api';
import { toNodeError } from '../shared/errors';
import type { ParsedJob } from '../shared/job';
import { parseJob } from '../shared/job';
import type { JobOutputOptions } from '../shared/jobOutput';
import { jobJson, jobToItems } from '../shared/jobOutput';
import { readJobOutputOptions } from '../shared/outputDescriptions';
import { getJob } from '../shared/polling';
import { boundedJobFields } from './deliveryFields';
import type { WebhookEvent } from './webhookPayload';

export interface TriggerOptions extends JobOutputOptions {
	events: string[];
	verifySignature: boolean;
	readJobFromApi: boolean;
}

export function readTriggerOptions(ctx: IWebhookFunctions): TriggerOptions {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return {
		events: ctx.getNodeParameter('events', ['completed', 'failed']) as string[],
		verifySignature: ctx.getNodeParameter('verifySignature', true) as boolean,
		...readJobOutputOptions(options, true),
		readJobFromApi: options.readJobFromApi === true,
		trustedImageOrigins: typeof options.trustedImageOrigins === 'string' ? options.trustedImageOrigins : undefined,
	};
}

/**
 * The items one delivery starts the workflow with. A download that fails after our retries
 * still yields the item, with the URLs and the reason, since Apiframe will not send it again.
 * With Read Job From API, the payload is not trusted for anything but the job id: when the read
 * fails, the workflow still starts (the delivery is already answered and will not come again),
 * with the job id and readFromApiError only, so no URL of the payload is ever fetched.
 */
export async function itemsForDelivery(
	ctx: IWebhookFunctions,
	event: WebhookEvent,
	delivered: ParsedJob,
	options: TriggerOptions,
): Promise<INodeExecutionData[]> {
	let job = delivered;
	const extra: IDataObject = { event };
	if (event === 'completed' && options.readJobFromApi) {
		try {
			job = parseJob(boundedJobFields(await getJob(ctx, delivered.jobId)));
			if (!job.jobId) job.jobId = delivered.jobId;
			extra.readFromApi = true;
		} catch (error) {
			const { apiKey } = await getAccount(ctx, { sendsKey: false });
			const readFromApiError = toNodeError(ctx.getNode(), error, { jobId: delivered.jobId, apiKey }).message;
			return [{ json: { event, jobId: delivered.jobId, readFromApi: false, readFromApiError } }];
		}
	}
	if (event !== 'completed') return [{ json: { event, ...jobJson(job) } }];
	if (job.status === 'COMPLETED' && job.imageUrls.length === 0) extra.error = `Job ${job.jobId} is COMPLETED but lists no image URLs`;
	try {
		return await jobToItems(ctx, job, options, extra);
	} catch (error) {
		return [{ json: { ...extra, ...jobJson(job), downloadError: (error as Error).message } }];
	}
}
