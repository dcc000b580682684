import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';

import { cancelSignalOf, withApiPolicy } from '../../shared/api';

/** The operations' postReceive: keeps the status code and headers so our retry policy can read them. */
export async function keepFullResponse(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	return [{ json: { statusCode: response.statusCode, headers: response.headers, body: response.body } as IDataObject }];
}

/**
 * Sends the request the routing engine built from the node's fields, under the shared request
 * policy. Every caller's request is idempotent: a GET, or a submit carrying an Idempotency-Key.
 */
export async function sendRoutedRequest<T = IDataObject>(
	ctx: IExecutePaginationFunctions,
	request: DeclarativeRestApiSettings.ResultOptions,
	accountKey: string,
): Promise<T> {
	return await withApiPolicy<T>({ accountKey }, cancelSignalOf(ctx), true, async () => {
		const [answer] = await ctx.makeRoutingRequest.call(ctx as never, request);
		return answer.json as unknown as IN8nHttpFullResponse;
	});
}
