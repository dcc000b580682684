import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { parseJob } from '../../../shared/job';
import { jobToItems } from '../../../shared/jobOutput';
import { getAccount } from '../../../shared/api';
import { durationKey } from '../../../shared/jobDurations';
import { getJob, waitForJob } from '../../../shared/polling';
import { runBatch } from '../../actions/batch';
import { explainFinishedJob } from '../../actions/jobOutcome';
import { jobIdField, outputOptionsDescription, readJobId, readOutputOptions } from '../../shared/descriptions';

const showOnlyForWait = { resource: ['job'], operation: ['wait'] };

export const description: INodeProperties[] = [
	jobIdField(showOnlyForWait),
	outputOptionsDescription({ show: showOnlyForWait, downloadDefault: true, withTimeout: true }),
];

/**
 * Job → Wait, a custom operation: picks up jobs submitted earlier (or that timed out, or that a
 * failed batch lists) and hands over their files, polling every job of the batch at once.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runBatch(this, {
		prepare: async (itemIndex) => ({ jobId: readJobId(this, itemIndex), output: readOutputOptions(this, itemIndex, true) }),
		run: async ({ ctx, itemIndex, noteJob }, { jobId, output }) => {
			noteJob(jobId);
			const current = parseJob(await getJob(ctx, jobId));
			const { baseUrl } = await getAccount(ctx);
			const job = await waitForJob(ctx, jobId, { ...current, jobId }, { timeoutMs: output.timeoutMs, durationKey: durationKey(baseUrl, current.model, '2K') });
			explainFinishedJob(ctx.getNode(), job, itemIndex, output.download);
			return await jobToItems(ctx, job, output);
		},
	});
}
