import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { ParsedJob } from '../shared/job';
import { parseJob } from '../shared/job';
import type { JobOutputOptions } from '../shared/jobOutput';
import { jobJson, jobToItems } from '../shared/jobOutput';
import { readJobOutputOptions } from '../shared/outputDescriptions';
import { getJob } from '../shared/polling';
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
	};
}

/**
 * The items one delivery starts the workflow with. A download that fails after our retries
 * still yields the item, with the URLs and the reason, since Apiframe will not send it again.
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
			job = parseJob(await getJob(ctx, delivered.jobId));
			extra.readFromApi = true;
		} catch (error) {
			extra.readFromApiError = (error as Error).message;
		}
	}
	if (event !== 'completed') return [{ json: { event, ...jobJson(job) } }];
	try {
		return await jobToItems(ctx, job, options, extra);
	} catch (error) {
		return [{ json: { ...extra, ...jobJson(job), downloadError: (error as Error).message } }];
	}
}
