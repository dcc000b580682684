import type { IDataObject } from 'n8n-workflow';

import type { ApiContext } from '../../shared/api';
import { apiframeRequest } from '../../shared/api';
import { SUBMIT_ATTEMPTS_MAX } from '../../shared/constants';
import { ApiframeHttpError } from '../../shared/retry';
import type { UploadedReferences } from './findEarlierJob';
import { findEarlierJob } from './findEarlierJob';
import { attemptKey } from './submissionIdentity';

export interface Submitted {
	jobId: string;
	status: string;
	/** The Idempotency-Key the job was submitted (or found again) under. */
	idempotencyKey: string;
	/** When the accepted request was sent: the job's start, as near as we can tell. */
	sentAtMs: number;
}

export class MissingJobIdError extends Error {
	constructor(answer: unknown) {
		super(`Apiframe accepted the image request but its answer has no jobId: ${JSON.stringify(answer).slice(0, 200)}`);
		this.name = 'MissingJobIdError';
	}
}

export class RepeatedJobFailureError extends Error {
	constructor(readonly jobIds: string[]) {
		super(`Seedream failed this row ${jobIds.length} times (jobs ${jobIds.join(', ')})`);
		this.name = 'RepeatedJobFailureError';
	}
}

/**
 * Submits one row under its Idempotency-Key; a replay of the key answers with the original job,
 * so a retry never bills twice. An answer that is already FAILED (or CANCELLED) can only be a
 * replay of an earlier attempt whose job failed — Apiframe refunded it — so the row is submitted
 * again under the next attempt's key instead of handing the failed job over again. A 409 for a row
 * whose files were uploaded again is answered with the key's earlier job (findEarlierJob).
 */
export async function submitJob(ctx: ApiContext, body: IDataObject, key: string, uploads?: UploadedReferences): Promise<Submitted> {
	const failedJobs: string[] = [];
	for (let attempt = 1; attempt <= SUBMIT_ATTEMPTS_MAX; attempt++) {
		const idempotencyKey = attemptKey(key, attempt);
		const sentAtMs = Date.now();
		const answer = await apiframeRequest<IDataObject>(ctx, {
			method: 'POST',
			path: '/v2/images/generate',
			body,
			headers: { 'Idempotency-Key': idempotencyKey },
			idempotent: true,
		}).catch(async (error: unknown) => {
			// The key's first request had other upload URLs for the same files: its job is found, not billed again.
			if (!(error instanceof ApiframeHttpError && error.statusCode === 409 && uploads?.count)) throw error;
			const earlier = await findEarlierJob(ctx, body, uploads, idempotencyKey, error, failedJobs);
			return { jobId: earlier.id, status: earlier.status } as IDataObject;
		});
		const jobId = answer?.jobId ?? answer?.id;
		if (typeof jobId !== 'string' || jobId === '') throw new MissingJobIdError(answer);
		const status = String(answer.status ?? 'QUEUED').toUpperCase();
		if (status !== 'FAILED' && status !== 'CANCELLED') return { jobId, status, idempotencyKey, sentAtMs };
		failedJobs.push(jobId);
	}
	throw new RepeatedJobFailureError(failedJobs);
}
