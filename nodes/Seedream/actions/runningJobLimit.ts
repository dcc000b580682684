import type { IDataObject } from 'n8n-workflow';

import type { ApiContext, ApiframeAccount } from '../../shared/api';
import { apiframeRequest } from '../../shared/api';
import { MAX_RUNNING_JOBS_DEFAULT } from '../../shared/constants';

const limitByAccount = new Map<string, Promise<number>>();

/**
 * How many jobs the account may run at once: the user's setting, else what `/v2/me` reports for
 * the team (asked once per account; the call is free; null = no cap), else Apiframe's pro-plan default.
 */
export async function runningJobLimit(ctx: ApiContext, account: ApiframeAccount, configured: number): Promise<number> {
	if (configured > 0) return configured;
	let limit = limitByAccount.get(account.accountKey);
	if (!limit) {
		limit = apiframeRequest<IDataObject>(ctx, { method: 'GET', path: '/v2/me', idempotent: true }).then(
			(me) => {
				const team = me.team as IDataObject | null | undefined;
				// An explicit null means the plan sets no cap; a missing field says nothing.
				if (team && 'maxConcurrentJobs' in team && team.maxConcurrentJobs === null) return Number.POSITIVE_INFINITY;
				const reported = Number(team?.maxConcurrentJobs);
				return Number.isInteger(reported) && reported > 0 ? reported : MAX_RUNNING_JOBS_DEFAULT;
			},
			() => {
				limitByAccount.delete(account.accountKey);
				return MAX_RUNNING_JOBS_DEFAULT;
			},
		);
		limitByAccount.set(account.accountKey, limit);
	}
	return await limit;
}
