import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { jobToItems } from '../../../shared/jobOutput';
import { runBatch } from '../../actions/batch';
import { explainFinishedJob } from '../../actions/jobOutcome';
import { waitForJob } from '../../jobRunner';
import { jobIdField, outputOptionsDescription, readJobId, readOutputOptions } from '../../shared/descriptions';

const showOnlyForWait = { resource: ['job'], operation: ['wait'] };

export const description: INodeProperties[] = [
	jobIdField(showOnlyForWait),
	outputOptionsDescription({ show: showOnlyForWait, downloadDefault: true, withTimeout: true }),
];

/**
 * Job → Wait, a custom operation: picks up jobs submitted earlier (or that timed out, or that a
 * failed batch lists) and hands over their files; every job of the batch is one more for the
 * account's watcher, so they are looked at together.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runBatch(this, {
		prepare: async (itemIndex) => ({ jobId: readJobId(this, itemIndex), output: readOutputOptions(this, itemIndex, true) }),
		run: async ({ ctx, itemIndex, readsJob }, { jobId, output }) => {
			readsJob(jobId);
			const job = await waitForJob(ctx, jobId, output.timeoutMs);
			explainFinishedJob(ctx.getNode(), job, itemIndex, output.download);
			return await jobToItems(ctx, job, output);
		},
	});
}
