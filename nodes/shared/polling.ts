import type { ApiContext } from './api';
import { apiframeRequest } from './api';

/** One job as the API shows it now (Job → Get, the trigger, and a job the job runner reads alone). */
export function getJob(ctx: ApiContext, jobId: string): Promise<unknown> {
	return apiframeRequest(ctx, { method: 'GET', path: `/v2/jobs/${encodeURIComponent(jobId)}`, idempotent: true });
}
