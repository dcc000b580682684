import type { IDataObject } from 'n8n-workflow';

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
