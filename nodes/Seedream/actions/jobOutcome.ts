import type { IExecuteSingleFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ParsedJob } from '../../shared/job';

/** A job that ended without images is an error on its item, in Apiframe's words, with the jobId. */
export function explainFinishedJob(ctx: IExecuteSingleFunctions, job: ParsedJob): void {
	if (job.status === 'COMPLETED') {
		if (job.expired) {
			throw new NodeOperationError(ctx.getNode(), `The images of job ${job.jobId} have expired`, {
				itemIndex: ctx.getItemIndex(),
				description: 'Apiframe keeps result files for about 24 hours. Generate the image again.',
			});
		}
		return;
	}
	const verb = job.status === 'CANCELLED' ? 'was cancelled' : 'failed';
	throw new NodeOperationError(
		ctx.getNode(),
		`Seedream job ${job.jobId} ${verb}: ${job.error ?? 'Apiframe gave no reason'}`,
		{
			itemIndex: ctx.getItemIndex(),
			description: 'Apiframe refunds the credits of failed jobs. Change the prompt or parameters and run the item again.',
		},
	);
}
