import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import { getAccount } from '../../shared/api';
import { parseJob } from '../../shared/job';
import { jobToItems } from '../../shared/jobOutput';
import { waitForJob } from '../../shared/polling';
import { readOutputOptions } from '../shared/descriptions';
import { runItem } from './itemErrors';
import { explainFinishedJob } from './jobOutcome';
import { sendRoutedRequest } from './routedRequest';

/** Job → Get: the job as it is now; its images downloaded only when asked. */
export async function jobGetOperation(
	this: IExecutePaginationFunctions,
	request: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, async (state) => {
		state.jobId = String(this.getNodeParameter('jobId'));
		const account = await getAccount(this);
		const job = parseJob(await sendRoutedRequest(this, request, account.accountKey));
		const output = readOutputOptions(this, false);
		if (output.download && job.status === 'COMPLETED') explainFinishedJob(this, job);
		return await jobToItems(this, job, output, {}, { item: this.getItemIndex() });
	});
}

/** Job → Wait: picks up a job submitted earlier (or one that timed out) and hands over its files. */
export async function jobWaitOperation(
	this: IExecutePaginationFunctions,
	request: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, async (state) => {
		state.jobId = String(this.getNodeParameter('jobId'));
		const account = await getAccount(this);
		const output = readOutputOptions(this, true);
		const current = parseJob(await sendRoutedRequest(this, request, account.accountKey));
		const job = await waitForJob(this, state.jobId, output.timeoutMs, current);
		explainFinishedJob(this, job);
		return await jobToItems(this, job, output, {}, { item: this.getItemIndex() });
	});
}
