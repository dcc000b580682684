import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ApiContext, RateGate } from '../../shared/api';
import { cancelSignalOf, getAccount, scopedContext } from '../../shared/api';
import type { ParsedJob } from '../../shared/job';
import { isTerminal, parseJob } from '../../shared/job';
import { getJob } from '../../shared/polling';
import type { Submitted } from '../actions/submit';
import { clock } from './clock';
import { accountState } from './registry';

export interface RunJobOptions {
	/** The Idempotency-Key the row submits under. */
	idempotencyKey: string;
	/** The body to send, built inside the job's place (reference uploads run there, so none ages while rows wait). */
	body: () => Promise<IDataObject>;
	submit: (ctx: ApiContext, body: IDataObject, idempotencyKey: string) => Promise<Submitted>;
	/** The row's timeout (Output Options), from its submit. */
	timeoutMs: number;
	/** Max Running Jobs of this call: never more of ours in flight on the account when it starts a job; 0 leaves the account's window alone. */
	maxRunningJobs: number;
	/** Called right before the paid request (throws once the batch has stopped). */
	beforeSubmit: () => void;
	noteJob: (jobId: string) => void;
	/** Throws for a job that ended without what the row needs, before its place goes to the next row. */
	check: (job: ParsedJob) => void;
	/** Called when the row fails, before its place goes to the next row (a failing batch submits nothing more). */
	failed: () => void;
}

export interface FinishedJob {
	job: ParsedJob;
	body: IDataObject;
	idempotencyKey: string;
}

/** What the durations of a job are learned under: its model and size. */
function kindOf(body: IDataObject): string {
	const params = (body.seedreamParams ?? {}) as IDataObject;
	return `${String(body.model)}|${String(params.size ?? '2K')}`;
}

/**
 * One row of Image → Generate: a place in the account's running-job window, the submit, the wait
 * (one watcher per account), the result. Downloads are the caller's, after the place is freed.
 */
export async function runJob(ctx: IExecuteFunctions, options: RunJobOptions): Promise<FinishedJob> {
	const signal = cancelSignalOf(ctx);
	const state = accountState((await getAccount(ctx)).accountKey);
	const rate = state.rateGate;
	const capped = options.maxRunningJobs > 0;
	if (!capped) await state.learnReportedLimit(scopedContext(ctx, { signal, rate }));
	const release = await state.window.slots.acquire(1, signal, capped ? options.maxRunningJobs : undefined);
	let handedOver = false;
	try {
		options.beforeSubmit();
		const body = await options.body();
		const timeoutMs = clock.scaled(options.timeoutMs);
		const deadlineAtMs = clock.now() + timeoutMs;
		// A submit in flight is not cut off when another row fails: its job may be billed, so its ID must be known.
		const submitting = scopedContext(ctx, { signal: ctx.getExecutionCancelSignal(), deadlineAtMs, rate });
		state.submitting++;
		const submitted = await options.submit(submitting, body, options.idempotencyKey).finally(() => state.submitting--);
		options.noteJob(submitted.jobId);
		const timed = scopedContext(ctx, { signal, deadlineAtMs, rate });
		// A replayed key answers with the job's current status but no result: read it.
		const job = isTerminal(submitted.status)
			? { ...parseJob(await getJob(timed, submitted.jobId)), jobId: submitted.jobId }
			: await state.watcher.waitFor({
					ctx: timed,
					jobId: submitted.jobId,
					ours: true,
					sinceMs: submitted.sentAtMs,
					listedFromMs: clock.now(),
					kind: kindOf(body),
					job: parseJob({ id: submitted.jobId, status: submitted.status }),
					timeoutMs,
				});
		options.check(job);
		handedOver = true;
		return { job, body, idempotencyKey: submitted.idempotencyKey };
	} finally {
		if (!handedOver) options.failed();
		release();
	}
}

/** Job → Wait: one more job for the account's watcher; it holds no place in the window. */
export async function waitForJob(ctx: IExecuteFunctions, jobId: string, timeoutMs: number): Promise<ParsedJob> {
	const signal = cancelSignalOf(ctx);
	const state = accountState((await getAccount(ctx)).accountKey);
	const timed = scopedContext(ctx, { signal, rate: state.rateGate });
	const current = { ...parseJob(await getJob(timed, jobId)), jobId };
	if (isTerminal(current.status)) return current;
	const nowMs = clock.now();
	return await state.watcher.waitFor({
		ctx: timed,
		jobId,
		ours: false,
		sinceMs: nowMs,
		listedFromMs: nowMs,
		kind: kindOf({ model: current.model }),
		job: current,
		timeoutMs: clock.scaled(timeoutMs),
	});
}

/** The account's 429 pause, for requests made outside the runner (routed operations). */
export async function rateGateOf(ctx: ApiContext): Promise<RateGate> {
	return accountState((await getAccount(ctx)).accountKey).rateGate;
}
