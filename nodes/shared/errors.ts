import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DownloadStalledError } from './downloadWatch';
import { ImageDownloadHttpError, ImageDownloadNetworkError } from './images';
import type { ParsedJob } from './job';
import { ApiframeHttpError, CancelledError, isNetworkError, isRetryable, RateLimitPastDeadlineError } from './retry';
import { redactErrorFields } from './secrets';

/** A job still running when its row's timeout passed: it keeps running on Apiframe. */
export class JobWaitTimeoutError extends Error {
	constructor(readonly job: ParsedJob, readonly waitedMs: number) {
		super(`Job ${job.jobId} was still ${job.status} after ${Math.round(waitedMs / 1000)} s`);
		this.name = 'JobWaitTimeoutError';
	}
}

export interface ErrorContext {
	itemIndex?: number;
	jobId?: string;
	apiKey?: string;
}

/** A 409 the node looked into (see findEarlierJob): what it found replaces the generic explanation. */
export interface ExplainedConflict {
	explained: { message: string; description: string };
}

function detailsText(body: unknown): string {
	const details = (body as { details?: Record<string, unknown> } | undefined)?.details;
	if (!details || typeof details !== 'object') return '';
	return Object.entries(details)
		.map(([path, messages]) => `${path}: ${Array.isArray(messages) ? messages.join('; ') : String(messages)}`)
		.join('\n');
}

function apiMessage(body: unknown): string {
	const error = (body as { error?: unknown } | undefined)?.error;
	return typeof error === 'string' ? error : '';
}

/** What the user should read for each answer of the API: what happened and what to do. */
function explain(error: ApiframeHttpError, context: ErrorContext): { message: string; description: string } {
	const said = apiMessage(error.body);
	const job = context.jobId ? ` (job ${context.jobId})` : '';
	switch (error.statusCode) {
		case 400:
			return {
				message: `Apiframe rejected the request: ${said || 'validation failed'}`,
				description: detailsText(error.body) || 'Check the parameters of this item.',
			};
		case 401:
			return {
				message: `Apiframe did not accept the API key (${said || 'unauthorized'})`,
				description: 'Open the Apiframe API credential and paste a valid key (it starts with afk_).',
			};
		case 402: {
			const body = error.body as { creditsRequired?: number; creditsAvailable?: number };
			return {
				message: `Not enough Apiframe credits: this image needs ${body?.creditsRequired ?? '?'}, the account has ${body?.creditsAvailable ?? '?'}`,
				description: 'Top up credits in the Apiframe dashboard, then run the item again. Nothing was charged for it.',
			};
		}
		case 403:
			return {
				message: `Apiframe refused the request (${said || 'forbidden'})`,
				description: 'The API key is inactive or lacks permission. Activate it or use another key in the credential.',
			};
		case 404:
			return {
				message: `Apiframe has no such job${job}`,
				description: 'The job ID is wrong, or the job belongs to another Apiframe account.',
			};
		case 409:
			return (
				(error as Partial<ExplainedConflict>).explained ?? {
					message: 'This Idempotency-Key was already used with different parameters',
					description:
						"Apiframe keeps the first request made with a key for 24 hours, and its job was created (billed) then. Job → Get Many lists the account's jobs, each with its input: collect that job with Job → Wait and its Job ID. Only if the parameters changed on purpose, give the row its own Idempotency Key (a new job, billed again).",
				}
			);
		case 429:
			return {
				message: 'Apiframe kept answering "too many requests"',
				description: 'The account is rate limited. Run fewer items at once or try again in a minute.',
			};
		default:
			return {
				message: `Apiframe is unavailable (HTTP ${error.statusCode})${said ? `: ${said}` : ''}`,
				description: `Retried with backoff without success${job}. Nothing was billed twice; run the item again later.`,
			};
	}
}

/** An image server's answer or silence: a download, never an answer of the API (not about the key). */
function explainDownload(error: ImageDownloadHttpError | DownloadStalledError | ImageDownloadNetworkError, jobId: string | undefined): string {
	if (!(error instanceof DownloadStalledError || error instanceof ImageDownloadNetworkError) && (error.statusCode === 403 || error.statusCode === 404)) {
		return 'Result image URLs expire about 24 hours after the job finished (Job → Get shows expired: true). Run the job again for new images.';
	}
	// The job itself is done and billed: its images can still be collected.
	const collect = jobId ? ` Job ${jobId} is done: collect its images later with Job → Wait.` : '';
	if (error instanceof ImageDownloadNetworkError) return `Retried with backoff without success. Check that n8n can reach the image host.${collect}`;
	if (error instanceof DownloadStalledError) return `The image server stopped sending the file. It was tried again with backoff without success.${collect}`;
	return isRetryable(error) ? `Retried with backoff without success.${collect}` : `The image server refused the download.${collect}`;
}

/** The explained error, before the key is taken out of it. */
function explainError(node: INode, error: unknown, context: ErrorContext): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ImageDownloadHttpError || error instanceof DownloadStalledError || error instanceof ImageDownloadNetworkError) {
		return new NodeOperationError(node, error.message, { itemIndex: context.itemIndex, description: explainDownload(error, context.jobId) });
	}
	if (error instanceof ApiframeHttpError) {
		const { message, description } = explain(error, context);
		const requestId = error.requestId ? `\nRequest ID: ${error.requestId}` : '';
		return new NodeApiError(node, { statusCode: error.statusCode, body: error.body } as JsonObject, {
			message,
			description: description + requestId,
			httpCode: String(error.statusCode),
			itemIndex: context.itemIndex,
		});
	}
	if (error instanceof JobWaitTimeoutError) {
		return new NodeOperationError(node, `${error.message}: stopped waiting`, {
			itemIndex: context.itemIndex,
			description: `Nothing is lost: job ${error.job.jobId} keeps running on Apiframe. Collect its images later with Job → Wait (Job ID ${error.job.jobId}), or raise Output Options → Timeout.`,
		});
	}
	if (error instanceof RateLimitPastDeadlineError) {
		return new NodeOperationError(node, error.message, {
			itemIndex: context.itemIndex,
			description: context.jobId
				? `Nothing is lost: job ${context.jobId} keeps running on Apiframe. Collect its images later with Job → Wait (Job ID ${context.jobId}), or raise Output Options → Timeout.`
				: 'Nothing was submitted for this item. Run it again in a few minutes, or raise Output Options → Timeout.',
		});
	}
	if (error instanceof CancelledError) {
		return new NodeOperationError(node, 'The execution was cancelled while waiting for Apiframe', {
			itemIndex: context.itemIndex,
			description: context.jobId ? `Job ${context.jobId} keeps running; fetch it later with Job → Get.` : undefined,
		});
	}
	const text = error instanceof Error ? error.message : String(error);
	if (isNetworkError(error)) {
		return new NodeOperationError(node, `Could not reach Apiframe: ${text}`, {
			itemIndex: context.itemIndex,
			description: 'Retried with backoff without success. Check the Base URL of the credential and the network.',
		});
	}
	return new NodeOperationError(node, text, { itemIndex: context.itemIndex });
}

/**
 * Every error leaves the nodes through here: explained, with the job ID, and without the API key
 * in any field, however deep (a server may echo the key in its answer; an HTTP client's error
 * holds the request headers). `node` is n8n's own object and is left alone.
 */
export function toNodeError(node: INode, error: unknown, context: ErrorContext): NodeApiError | NodeOperationError {
	const nodeError = explainError(node, error, context);
	redactErrorFields(nodeError, context.apiKey, ['node']);
	return nodeError;
}
