import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';

import { waitForRateWindow } from '../../shared/accountLimits';
import { bodyOrThrow, cancelSignalOf } from '../../shared/api';
import { withRetry } from '../../shared/retry';

/** The operations' postReceive: keeps the status code and headers so our retry policy can read them. */
export async function keepFullResponse(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	return [{ json: { statusCode: response.statusCode, headers: response.headers, body: response.body } as IDataObject }];
}

/**
 * Sends the request the routing engine built from the node's fields, under the shared retry
 * policy. Every caller's request is idempotent: a GET, or a submit carrying an Idempotency-Key.
 */
export async function sendRoutedRequest<T = IDataObject>(
	ctx: IExecutePaginationFunctions,
	request: DeclarativeRestApiSettings.ResultOptions,
	accountKey: string,
): Promise<T> {
	const signal = cancelSignalOf(ctx);
	return await withRetry(
		async () => {
			await waitForRateWindow(accountKey, signal);
			const [answer] = await ctx.makeRoutingRequest.call(ctx as never, request);
			return bodyOrThrow<T>(answer.json as unknown as IN8nHttpFullResponse, accountKey);
		},
		{ idempotent: true, signal },
	);
}
