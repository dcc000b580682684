import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { parseJob } from '../../../shared/job';
import { jobToItems } from '../../../shared/jobOutput';
import { getJob } from '../../../shared/polling';
import { runBatch } from '../../actions/batch';
import { explainFinishedJob } from '../../actions/jobOutcome';
import { jobIdField, outputOptionsDescription, readJobId, readOutputOptions } from '../../shared/descriptions';

const showOnlyForGet = { resource: ['job'], operation: ['get'] };

export const description: INodeProperties[] = [
	jobIdField(showOnlyForGet),
	outputOptionsDescription({ show: showOnlyForGet, downloadDefault: false, withTimeout: false }),
];

/** Job → Get, a custom operation: one read, and with Download Images the job's files too. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runBatch(this, {
		prepare: async (itemIndex) => ({ jobId: readJobId(this, itemIndex), output: readOutputOptions(this, itemIndex, false) }),
		run: async ({ ctx, itemIndex, readsJob }, { jobId, output }) => {
			readsJob(jobId);
			const job = parseJob(await getJob(ctx, jobId));
			if (output.download && job.status === 'COMPLETED') explainFinishedJob(ctx.getNode(), job, itemIndex, true);
			return await jobToItems(ctx, job, output);
		},
	});
}
