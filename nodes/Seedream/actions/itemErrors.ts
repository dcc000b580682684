import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import { getAccount } from '../../shared/api';
import { toNodeError } from '../../shared/errors';

/**
 * Runs one item's work. A failure becomes an explained error on that item; with "continue on
 * fail" it becomes an output item paired to its input (json: error, details with the jobId), so
 * one bad row never sinks the others and a running job is never lost from sight.
 */
export async function runItem(
	ctx: IExecuteSingleFunctions,
	work: (state: { jobId?: string }) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const itemIndex = ctx.getItemIndex();
	const state: { jobId?: string } = {};
	try {
		return await work(state);
	} catch (error) {
		const apiKey = await getAccount(ctx).then(
			(account) => account.apiKey,
			() => undefined,
		);
		const nodeError = toNodeError(ctx.getNode(), error, { itemIndex, jobId: state.jobId, apiKey });
		if (!ctx.continueOnFail()) throw nodeError;
		const details: IDataObject = { itemIndex };
		if (state.jobId) details.jobId = state.jobId;
		if (nodeError.description) details.description = nodeError.description;
		if ('httpCode' in nodeError && nodeError.httpCode) details.httpCode = nodeError.httpCode;
		return [{ json: { error: nodeError.message, details }, pairedItem: { item: itemIndex } }];
	}
}
