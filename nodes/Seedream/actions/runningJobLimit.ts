import type { IDataObject } from 'n8n-workflow';

import type { ApiContext, ApiframeAccount } from '../../shared/api';
import { apiframeRequest } from '../../shared/api';
import { ACCOUNT_LIMIT_CACHE_MS, MAX_RUNNING_JOBS_DEFAULT } from '../../shared/constants';

const limitByAccount = new Map<string, { limit: Promise<number>; askedAtMs: number }>();

/** `team.maxConcurrentJobs` of `/v2/me`: an explicit null means no cap; a missing field says nothing. */
export function limitFromAccount(me: IDataObject): number {
	const team = me.team as IDataObject | null | undefined;
	if (team && 'maxConcurrentJobs' in team && team.maxConcurrentJobs === null) return Number.POSITIVE_INFINITY;
	const reported = Number(team?.maxConcurrentJobs);
	return Number.isInteger(reported) && reported > 0 ? reported : MAX_RUNNING_JOBS_DEFAULT;
}

/**
 * How many jobs the account may run at once: the user's setting, else what `/v2/me` reports for
 * the team (the call is free; asked again after ACCOUNT_LIMIT_CACHE_MS), else Apiframe's pro-plan default.
 */
export async function runningJobLimit(ctx: ApiContext, account: ApiframeAccount, configured: number): Promise<number> {
	if (configured > 0) return configured;
	const cached = limitByAccount.get(account.accountKey);
	if (cached && Date.now() - cached.askedAtMs < ACCOUNT_LIMIT_CACHE_MS) return await cached.limit;
	const limit = apiframeRequest<IDataObject>(ctx, { method: 'GET', path: '/v2/me', idempotent: true }).then(
		limitFromAccount,
		() => {
			limitByAccount.delete(account.accountKey);
			return MAX_RUNNING_JOBS_DEFAULT;
		},
	);
	limitByAccount.set(account.accountKey, { limit, askedAtMs: Date.now() });
	return await limit;
}
