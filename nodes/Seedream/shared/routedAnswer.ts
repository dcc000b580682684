import type { IExecuteSingleFunctions, IN8nHttpFullResponse, INodeExecutionData } from 'n8n-workflow';

import { bodyOrThrow, getAccount } from '../../shared/api';
import { toNodeError } from '../../shared/errors';
import { rateGateOf } from '../jobRunner';

/**
 * The first postReceive of every routed operation: a non-2xx answer becomes the same explained
 * error the custom operations give (and a 429 pauses the account's other requests too).
 */
export async function explainApiAnswer(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	if (response.statusCode >= 200 && response.statusCode < 300) return items;
	const account = await getAccount(this);
	try {
		const rate = await rateGateOf(this);
		bodyOrThrow(response, (retryAfterMs) => rate.limited(retryAfterMs));
	} catch (error) {
		throw toNodeError(this.getNode(), error, { itemIndex: this.getItemIndex(), apiKey: account.apiKey });
	}
	return items;
}
