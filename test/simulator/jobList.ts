/**
 * GET /v2/jobs: the caller's jobs (scope=user) or its team's (scope=team, owners and admins only,
 * as the v2 OpenAPI's 403 says), newest first, with status/model/search filters and a cursor.
 */
import type { ServerResponse } from 'node:http';
import { publicJob, refresh } from './jobs';
import type { JobRecord, KeyRecord, SimState } from './state';
import type { PublicJob } from './types';
import { isUuid, sendJson } from './util';

const STATUSES = ['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'];
const SCOPES = ['user', 'team'];
const BOOLEANS = ['true', 'false'];
/** Roles that may see the whole team's jobs. */
const TEAM_ROLES = ['OWNER', 'ADMIN'];

export interface JobFilters {
	scope: 'user' | 'team';
	status?: string;
	model?: string;
	/** A job id, lower case. */
	search?: string;
	limit: number;
	/** seq of the last job of the previous page. */
	cursor?: number;
	includeModels: boolean;
}

export interface JobListPage {
	jobs: PublicJob[];
	nextCursor: string | null;
	hasMore: boolean;
	/** Only with include_models=true: the models of every job in scope, whatever the other filters. */
	models?: string[];
}

export function handleJobList(state: SimState, key: KeyRecord, q: URLSearchParams, res: ServerResponse): void {
	const parsed = parseFilters(q);
	if ('details' in parsed) return sendJson(res, 400, { error: 'Validation failed', details: parsed.details });
	if (parsed.scope === 'team' && !TEAM_ROLES.includes(key.role)) {
		return sendJson(res, 403, { error: "Only team owners and admins can list the team's jobs (scope=team)" });
	}
	sendJson(res, 200, listJobs(state, key, parsed));
}

/** Every bad parameter at once, like the generate endpoint's validation. */
export function parseFilters(q: URLSearchParams): JobFilters | { details: Record<string, string[]> } {
	const details: Record<string, string[]> = {};
	const status = q.get('status') ?? undefined;
	if (status !== undefined && !STATUSES.includes(status)) details.status = [`must be one of ${STATUSES.join(', ')}`];
	let limit = 20;
	if (q.has('limit')) {
		limit = Number(q.get('limit'));
		if (!Number.isInteger(limit) || limit < 1 || limit > 100) details.limit = ['must be an integer between 1 and 100'];
	}
	let cursor: number | undefined;
	const c = q.get('cursor');
	if (c) {
		const seq = decodeCursor(c);
		if (seq === null) details.cursor = ['is not a valid cursor'];
		else cursor = seq;
	}
	const scope = q.get('scope') ?? 'user';
	if (!SCOPES.includes(scope)) details.scope = [`must be one of ${SCOPES.join(', ')}`];
	const search = q.get('search') ?? undefined;
	if (search !== undefined && !isUuid(search)) details.search = ['must be a UUID (a job ID)'];
	const includeModels = q.get('include_models') ?? 'false';
	if (!BOOLEANS.includes(includeModels)) details.include_models = ['must be one of true, false'];
	if (Object.keys(details).length) return { details };
	return {
		scope: scope as JobFilters['scope'],
		status,
		model: q.get('model') ?? undefined,
		search: search?.toLowerCase(),
		limit,
		cursor,
		includeModels: includeModels === 'true',
	};
}

function inScope(key: KeyRecord, scope: JobFilters['scope'], state: SimState, job: JobRecord): boolean {
	if (scope === 'user') return job.apiKey === key.key;
	// A job goes with its key: a key moved to another team (POST /__sim/keys) takes its jobs along.
	return state.keys.get(job.apiKey)?.teamId === key.teamId;
}

/** Newest first. The cursor is the seq of the last job of the previous page. */
export function listJobs(state: SimState, key: KeyRecord, f: JobFilters): JobListPage {
	const scoped = [...state.jobs.values()].filter((j) => inScope(key, f.scope, state, j));
	// The status filter must see what a GET would show now (a late-start job may have left QUEUED).
	scoped.forEach((j) => refresh(state, j));
	const all = scoped
		.filter((j) => f.cursor === undefined || j.seq < f.cursor)
		.filter((j) => !f.status || j.status === f.status)
		.filter((j) => !f.model || j.model === f.model)
		.filter((j) => !f.search || j.id === f.search)
		.sort((a, b) => b.seq - a.seq);
	const page = all.slice(0, f.limit);
	const hasMore = all.length > page.length;
	const last = page[page.length - 1];
	return {
		jobs: page.map((j) => publicJob(state, j)),
		nextCursor: hasMore && last ? encodeCursor(last.seq) : null,
		hasMore,
		...(f.includeModels ? { models: [...new Set(scoped.map((j) => j.model))].sort() } : {}),
	};
}

export function encodeCursor(seq: number): string {
	return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(c: string): number | null {
	const m = /^seq:(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
	return m ? Number(m[1]) : null;
}
