import type { IDataObject } from 'n8n-workflow';

import type { ApiContext, ApiframeAccount } from '../../shared/api';
import { apiframeRequest } from '../../shared/api';
import { ACCOUNT_LIMIT_CACHE_MS } from '../../shared/constants';

const limitByAccount = new Map<string, { limit: Promise<number | undefined>; askedAtMs: number }>();

/**
 * `team.maxConcurrentJobs` of `/v2/me`, where an API reports it (the v2 OpenAPI has no such
 * field): a number is the plan's cap, an explicit null means no cap, a missing field says nothing.
 */
export function limitFromAccount(me: IDataObject): number | undefined {
	const team = me.team as IDataObject | null | undefined;
	if (team && 'maxConcurrentJobs' in team && team.maxConcurrentJobs === null) return Number.POSITIVE_INFINITY;
	const reported = Number(team?.maxConcurrentJobs);
	return Number.isInteger(reported) && reported > 0 ? reported : undefined;
}

/**
 * A fixed number of jobs to keep running on the account: the user's Max Running Jobs, else what
 * `/v2/me` reports (free; asked again after ACCOUNT_LIMIT_CACHE_MS), else undefined — the node
 * then learns the limit from what the API does (see shared/concurrency.ts).
 */
export async function fixedRunningJobLimit(ctx: ApiContext, account: ApiframeAccount, configured: number): Promise<number | undefined> {
	if (configured > 0) return configured;
	const cached = limitByAccount.get(account.accountKey);
	if (cached && Date.now() - cached.askedAtMs < ACCOUNT_LIMIT_CACHE_MS) return await cached.limit;
	const limit = apiframeRequest<IDataObject>(ctx, { method: 'GET', path: '/v2/me', idempotent: true }).then(limitFromAccount, () => {
		limitByAccount.delete(account.accountKey);
		return undefined;
	});
	limitByAccount.set(account.accountKey, { limit, askedAtMs: Date.now() });
	return await limit;
}
