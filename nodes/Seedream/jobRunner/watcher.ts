import type { ApiContext } from '../../shared/api';
import { apiframeRequest, cancelSignalOf } from '../../shared/api';
import { LOOK_FAILURES_MAX, LOOK_PAGE_JOBS } from '../../shared/constants';
import { JobWaitTimeoutError } from '../../shared/errors';
import type { ParsedJob } from '../../shared/job';
import { isTerminal, parseJob } from '../../shared/job';
import { getJob } from '../../shared/polling';
import { CancelledError, isRetryable } from '../../shared/retry';
import type { AccountState } from './account';
import { clock } from './clock';
import type { OurJob } from './phases';
import { nextLookAtMs } from './schedule';

/** One job waited on: a row's own (its submit), or one Job → Wait picks up. */
export interface WaitRequest {
	/** The row's context: its Stop, its deadline, its account's pause. */
	ctx: ApiContext;
	jobId: string;
	/** Submitted by this runner: it holds a place in the account's window. */
	ours: boolean;
	/** When the wait began: the submit was sent, or Job → Wait started. */
	sinceMs: number;
	/** From here on the job is in every list the API returns. */
	listedFromMs: number;
	/** Model and size: whose durations the schedule uses. */
	kind: string;
	job: ParsedJob;
	timeoutMs: number;
}

interface Waiter extends WaitRequest {
	notStartedAtMs: number;
	startSeen: boolean;
	held: boolean;
	done: (job: ParsedJob) => void;
	fail: (error: unknown) => void;
}

/** The account's PROCESSING and QUEUED jobs of a list. */
const isActive = (job: ParsedJob) => job.status === 'PROCESSING' || job.status === 'QUEUED';

/**
 * One loop per account while any job is waited on: each look lists the account's newest jobs in
 * one request and settles every waiting job it shows terminal (the list carries results); a job
 * missing from the page is read alone. The same list tells the window what runs on the account.
 */
export class Watcher {
	private readonly waiters = new Set<Waiter>();
	private looping = false;
	private lastLookAtMs?: number;
	private failures = 0;
	private wake?: () => void;

	constructor(private readonly account: AccountState) {}

	/** Until the job is COMPLETED, FAILED or CANCELLED; a JobWaitTimeoutError past the timeout; a CancelledError on Stop. */
	async waitFor(request: WaitRequest): Promise<ParsedJob> {
		let waiter!: Waiter;
		const finished = new Promise<ParsedJob>((done, fail) => {
			waiter = { ...request, notStartedAtMs: request.sinceMs, startSeen: false, held: false, done, fail };
		});
		const signal = cancelSignalOf(request.ctx);
		const ended = new AbortController();
		const waitUntilMs = request.sinceMs + request.timeoutMs;
		const timedOut = clock.sleep(Math.max(0, waitUntilMs - clock.now()), signal ? AbortSignal.any([signal, ended.signal]) : ended.signal).then(() => {
			throw new JobWaitTimeoutError(waiter.job, clock.now() - request.sinceMs);
		});
		this.waiters.add(waiter);
		this.start();
		try {
			return await Promise.race([finished, timedOut]);
		} finally {
			ended.abort();
			this.waiters.delete(waiter);
			if (this.waiters.size === 0) this.wake?.();
		}
	}

	private start(): void {
		if (this.looping) return this.wake?.();
		this.looping = true;
		void this.loop();
	}

	/** Ends (synchronously with its last check) when nothing is waited on, so a job added then starts a new loop. */
	private async loop(): Promise<void> {
		try {
			await this.lookWhileWaited();
		} catch (error) {
			this.looping = false;
			for (const waiter of this.waiters) waiter.fail(error);
		}
	}

	private async lookWhileWaited(): Promise<void> {
		for (;;) {
			if (this.waiters.size === 0) return void (this.looping = false);
			const nowMs = clock.now();
			const atMs = nextLookAtMs({
				lastLookAtMs: this.lastLookAtMs,
				waiters: [...this.waiters].map((waiter) => ({
					sinceMs: waiter.sinceMs,
					notStartedAtMs: waiter.notStartedAtMs,
					durationsMs: this.account.durationsOf(waiter.kind),
					startSeen: waiter.startSeen,
				})),
				budgetAllowedAtMs: this.account.lookAllowedAtMs(nowMs),
				startsMatter: this.account.window.mayGrow(),
				times: clock.times(),
			}) as number;
			if (atMs > nowMs) await this.sleepUnlessWoken(atMs - nowMs);
			else await this.look();
		}
	}

	/** A new job (its first look may be sooner) or the last one gone ends the sleep early. */
	private async sleepUnlessWoken(ms: number): Promise<void> {
		const woken = new AbortController();
		this.wake = () => woken.abort();
		await clock.sleep(ms, woken.signal).catch(() => undefined);
		this.wake = undefined;
	}

	private async look(): Promise<void> {
		const waiters = [...this.waiters];
		// Any waiting row's context will do; a row stopped meanwhile cancels only this look.
		const { ctx } = waiters[0];
		const startedAtMs = clock.now();
		this.lastLookAtMs = startedAtMs;
		try {
			this.account.spendLook(startedAtMs);
			const page = await apiframeRequest<{ jobs?: unknown[] }>(ctx, { method: 'GET', path: '/v2/jobs', qs: { limit: LOOK_PAGE_JOBS }, idempotent: true });
			const listed = (page?.jobs ?? []).map(parseJob);
			const atMs = clock.now();
			const byId = new Map(listed.map((job) => [job.jobId, job]));
			for (const waiter of waiters) {
				const job = byId.get(waiter.jobId) ?? (waiter.listedFromMs <= startedAtMs ? await this.readAlone(ctx, waiter) : undefined);
				if (job) this.note(waiter, job, clock.now());
			}
			this.judge(listed, startedAtMs, atMs);
			this.failures = 0;
		} catch (error) {
			if (error instanceof CancelledError) return;
			// One failed look (after its retries) is tried again; the next failing too ends the waits with it.
			if (isRetryable(error) && ++this.failures < LOOK_FAILURES_MAX) return;
			this.failures = 0;
			for (const waiter of waiters) waiter.fail(error);
		}
	}

	/** A job older than the page's oldest (or not listed at all): one GET of its own. */
	private async readAlone(ctx: ApiContext, waiter: Waiter): Promise<ParsedJob | undefined> {
		this.account.spendLook(clock.now());
		// A failure of this job alone (404: not this account's) ends its wait only; the others' looks go on.
		const fails = (error: unknown) => !(error instanceof CancelledError) && !isRetryable(error);
		return await getJob(ctx, waiter.jobId).then(parseJob, async (error: unknown) => {
			if (!fails(error)) return await Promise.reject(error);
			waiter.fail(error);
			return undefined;
		});
	}

	private note(waiter: Waiter, job: ParsedJob, atMs: number): void {
		waiter.job = { ...job, jobId: waiter.jobId };
		if (job.status === 'QUEUED') waiter.notStartedAtMs = atMs;
		else if (!waiter.startSeen) {
			waiter.startSeen = true;
			if (waiter.ours) this.account.window.started(atMs - waiter.sinceMs);
		}
		if (!isTerminal(job.status)) return;
		// The API's created → completed of a job that never waited behind ours teaches how long one runs.
		const ranMs = Date.parse(job.completedAt ?? '') - Date.parse(job.createdAt ?? '');
		if (waiter.ours && job.status === 'COMPLETED' && ranMs >= 0 && !waiter.held) this.account.recordDuration(waiter.kind, ranMs);
		this.waiters.delete(waiter);
		waiter.done(waiter.job);
	}

	/** What the list says of the account: its running jobs, others' active ones, and ours held. */
	private judge(listed: ParsedJob[], startedAtMs: number, atMs: number): void {
		const ours = [...this.waiters].filter((waiter) => waiter.ours && waiter.listedFromMs <= startedAtMs);
		const ourIds = new Set([...this.waiters].filter((waiter) => waiter.ours).map((waiter) => waiter.jobId));
		// Jobs of ours whose submit has not answered are listed already, as not ours: not counted as others'.
		const othersActive = Math.max(0, listed.filter((job) => isActive(job) && !ourIds.has(job.jobId)).length - this.account.submitting);
		const views: OurJob[] = ours.map((waiter) => ({ submittedAtMs: waiter.sinceMs, status: waiter.job.status }));
		const running = listed.filter((job) => job.status === 'PROCESSING').length;
		const held = this.account.window.looked({ atMs, ours: views, running, othersActive }, clock.times().heldBeforeAnyStartMs);
		views.forEach((view, index) => {
			if (held.includes(view)) ours[index].held = true;
		});
	}
}
