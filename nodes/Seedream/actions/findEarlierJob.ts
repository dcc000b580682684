import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import type { ApiContext } from '../../shared/api';
import { apiframeRequest, cancelSignalOf, getAccount } from '../../shared/api';
import {
	EARLIER_FILE_DIGESTS_KEPT,
	EARLIER_JOB_PAGE,
	EARLIER_JOB_PAGES_MAX,
	IDEMPOTENCY_KEY_KEPT_MS,
	REQUEST_TIMEOUT_MS,
} from '../../shared/constants';
import type { ExplainedConflict } from '../../shared/errors';
import { ApiframeHttpError } from '../../shared/retry';
import type { UrlPolicy } from '../../shared/trustedUrls';
import { buildUrlPolicy, checkImageUrl } from '../../shared/trustedUrls';
import { accountState, clock } from '../jobRunner/registry';
import { canonical } from './submissionIdentity';

/** The row's files uploaded for this submit: the last `count` URLs of `seedreamParams.image_input`. */
export interface UploadedReferences {
	count: number;
	/** SHA-256 of each file, in the order of their URLs. */
	digests(): Promise<string[]>;
}

export interface ListedJob {
	id: string;
	status: string;
	createdAt: string;
	/** The request as submitted (Apiframe's job list carries it). */
	input: IDataObject | null;
}

/** A 409 the node looked into: what it found replaces the generic explanation. */
export class EarlierJobUnknownError extends ApiframeHttpError implements ExplainedConflict {
	constructor(
		conflict: ApiframeHttpError,
		readonly explained: { message: string; description: string },
	) {
		super(conflict.statusCode, conflict.body, conflict.retryAfterMs, conflict.requestId);
		this.name = 'EarlierJobUnknownError';
	}
}

function referencesOf(body: IDataObject | null | undefined): string[] {
	const value = (body?.seedreamParams as IDataObject | undefined)?.image_input;
	if (value === undefined || value === null) return [];
	return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** The request with the uploads' URLs left out but their number kept: what a job of this row must equal. */
function sameRequestText(body: IDataObject, uploaded: number): string {
	const references = referencesOf(body);
	const seedreamParams = { ...((body.seedreamParams as IDataObject | undefined) ?? {}), image_input: references.slice(0, references.length - uploaded) };
	return canonical({ body: { ...body, seedreamParams }, references: references.length });
}

/** The account's jobs of this model created while the key is kept, newest first. */
async function recentJobs(ctx: ApiContext, model: string): Promise<ListedJob[]> {
	const sinceMs = clock.now() - clock.scaled(IDEMPOTENCY_KEY_KEPT_MS);
	const jobs: ListedJob[] = [];
	let cursor: string | undefined;
	for (let page = 0; page < EARLIER_JOB_PAGES_MAX; page++) {
		const answer = await apiframeRequest<IDataObject>(ctx, {
			method: 'GET',
			path: '/v2/jobs',
			qs: { model, limit: EARLIER_JOB_PAGE, ...(cursor ? { cursor } : {}) },
			idempotent: true,
		});
		const listed = (Array.isArray(answer.jobs) ? answer.jobs : []) as ListedJob[];
		const recent = listed.filter((job) => Date.parse(String(job.createdAt)) >= sinceMs);
		jobs.push(...recent);
		cursor = typeof answer.nextCursor === 'string' && answer.nextCursor ? answer.nextCursor : undefined;
		if (!answer.hasMore || !cursor || recent.length < listed.length) break;
	}
	return jobs;
}

async function digestOf(ctx: ApiContext, url: string, policy: UrlPolicy, fileDigests: Map<string, Promise<string | undefined>>): Promise<string | undefined> {
	let known = fileDigests.get(url);
	if (!known) {
		// One plain GET, no redirect followed: a file that cannot be read leaves the job undecided, never wrongly matched.
		known = checkImageUrl(url, policy).ok
			? ctx.helpers
					.httpRequest({ method: 'GET', url, encoding: 'arraybuffer', json: false, timeout: REQUEST_TIMEOUT_MS, disableFollowRedirect: true, abortSignal: cancelSignalOf(ctx) })
					.then((bytes: ArrayBuffer) => createHash('sha256').update(new Uint8Array(bytes)).digest('hex'))
					.catch(() => undefined)
			: Promise.resolve(undefined);
		fileDigests.set(url, known);
		if (fileDigests.size > EARLIER_FILE_DIGESTS_KEPT) fileDigests.delete(fileDigests.keys().next().value as string);
	}
	return await known;
}

/**
 * Of several jobs that fit the request, those whose uploaded files have the row's bytes (a batch
 * often sends one prompt with a different photo per row). While the earlier uploads still live
 * (about 1–2 h) this tells them apart; a job whose files cannot be read any more stays a candidate.
 */
async function withTheseFiles(ctx: ApiContext, jobs: ListedJob[], uploads: UploadedReferences): Promise<ListedJob[]> {
	const ours = await uploads.digests();
	const account = await getAccount(ctx);
	const policy = buildUrlPolicy(account.baseUrl);
	const { fileDigests } = accountState(account.accountKey);
	const same: ListedJob[] = [];
	const undecided: ListedJob[] = [];
	for (const job of jobs) {
		const theirs = referencesOf(job.input).slice(-uploads.count);
		let verdict: 'same' | 'different' | 'unknown' = 'same';
		for (let index = 0; index < theirs.length && verdict !== 'different'; index++) {
			const digest = await digestOf(ctx, theirs[index], policy, fileDigests);
			if (digest === undefined) verdict = 'unknown';
			else if (digest !== ours[index]) verdict = 'different';
		}
		if (verdict === 'same') same.push(job);
		else if (verdict === 'unknown') undecided.push(job);
	}
	return same.length ? same : undecided;
}

function listIds(jobs: ListedJob[]): string {
	const shown = jobs.slice(0, 10).map((job) => job.id);
	return jobs.length > shown.length ? `${shown.join(', ')} and ${jobs.length - shown.length} more` : shown.join(', ');
}

/**
 * After a 409 on a row with uploaded reference files: the job its key was first used for. The
 * files were uploaded again (another n8n process, a restart, or over an hour later) under new URLs,
 * so Apiframe refuses the changed request instead of answering with that job. The account's jobs
 * of the last 24 h are searched for the same model, prompt, parameters and number of references
 * (`passedOver`: jobs this submit already saw FAIL). Exactly one → that job; otherwise an error
 * that says how to collect it, since it was billed.
 */
export async function findEarlierJob(
	ctx: ApiContext,
	body: IDataObject,
	uploads: UploadedReferences,
	idempotencyKey: string,
	conflict: ApiframeHttpError,
	passedOver: string[],
): Promise<ListedJob> {
	const model = String(body.model);
	const wanted = sameRequestText(body, uploads.count);
	const ourUploads = canonical(referencesOf(body).slice(-uploads.count));
	let candidates = (await recentJobs(ctx, model)).filter(
		(job) =>
			!passedOver.includes(job.id) &&
			job.input !== null &&
			typeof job.input === 'object' &&
			sameRequestText(job.input, uploads.count) === wanted &&
			// A job with these very URLs was made in this process under another key, not before.
			canonical(referencesOf(job.input).slice(-uploads.count)) !== ourUploads,
	);
	if (candidates.length > 1) candidates = await withTheseFiles(ctx, candidates, uploads);
	const alive = candidates.filter((job) => !['FAILED', 'CANCELLED'].includes(String(job.status).toUpperCase()));
	const found = candidates.length === 1 ? candidates[0] : alive.length === 1 ? alive[0] : undefined;
	if (found) return found;

	const files = `${uploads.count} reference file${uploads.count === 1 ? '' : 's'}`;
	const why =
		"Apiframe refuses this request (409) because the key's first request differed from it, if only in the reference files' upload URLs: they are new each time the files are uploaded again (another n8n process, a restart, or over an hour later).";
	const collect = `Job → Get Many (Model: ${model}) lists the account's jobs, each with its input; collect this row's job with Job → Wait and its Job ID.`;
	throw new EarlierJobUnknownError(conflict, {
		message: candidates.length
			? `This row's job was already created (billed) under its Idempotency-Key, but ${candidates.length} earlier jobs fit it`
			: "This row's job was already created (billed) under its Idempotency-Key, but it was not found",
		description: [
			why,
			candidates.length
				? `These ${model} jobs of the last 24 hours have this prompt, these parameters and ${files}: ${listIds(candidates)}.`
				: `None of the account's ${model} jobs of the last 24 hours has this prompt, these parameters and ${files}.`,
			collect,
			`Idempotency-Key: ${idempotencyKey}`,
		].join(' '),
	});
}
