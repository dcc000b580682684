import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ParsedJob } from '../../shared/job';

/** A job that ended without images to hand over is an error on its item, in Apiframe's words, with the jobId. */
export function explainFinishedJob(node: INode, job: ParsedJob, itemIndex: number, download: boolean): void {
	if (job.status === 'COMPLETED') {
		if (job.expired) {
			throw new NodeOperationError(node, `The images of job ${job.jobId} have expired`, {
				itemIndex,
				description: 'Apiframe keeps result files for about 24 hours. Generate the image again.',
			});
		}
		if (download && job.imageUrls.length === 0) {
			throw new NodeOperationError(node, `Job ${job.jobId} is COMPLETED but Apiframe returned no image URLs`, {
				itemIndex,
				description: 'Read it again later with Job → Get (Job ID above); if it stays empty, contact Apiframe support with the job ID.',
			});
		}
		return;
	}
	const verb = job.status === 'CANCELLED' ? 'was cancelled' : 'failed';
	throw new NodeOperationError(node, `Seedream job ${job.jobId} ${verb}: ${job.error ?? 'Apiframe gave no reason'}`, {
		itemIndex,
		description: 'Apiframe refunds the credits of failed jobs. Change the prompt or parameters and run the item again.',
	});
}
