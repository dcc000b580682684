import { HELD_AFTER_START_DELAYS, START_DELAYS_KEPT, WINDOW_GROWTH_FACTOR, WINDOW_INITIAL_JOBS, WINDOW_SLACK_SHARE } from '../../shared/constants';
import { Semaphore } from '../../shared/semaphore';
import { quantileMs } from './schedule';

/**
 * Where the account's running-job limit stands for this process:
 * - learning: the limit is unknown; `jobs` of ours run at once, grown WINDOW_GROWTH_FACTOR-fold while every one of them runs;
 * - known: the account runs K jobs at once (reported by /v2/me, or counted when one of ours was held).
 */
export type Phase = { name: 'learning'; jobs: number } | { name: 'known'; limit: number; source: 'reported' | 'counted' };

/** One job of ours as the last look saw it. */
export interface OurJob {
	submittedAtMs: number;
	status: string;
}

/** What one look at the account's jobs showed. */
export interface Look {
	atMs: number;
	/** Every job of ours waited on (submitted, with its id). */
	ours: OurJob[];
	/** The account's PROCESSING jobs in the list, ours and others'. */
	running: number;
	/** Others' running and queued jobs (not ours). */
	othersActive: number;
}

/**
 * The running-job window of one account in this process: explicit phases, one place (apply) that
 * sets the window's capacity. Max Running Jobs is not here: it is each call's own cap (see runJob).
 */
export class Window {
	readonly slots = new Semaphore(WINDOW_INITIAL_JOBS);
	private phase: Phase = { name: 'learning', jobs: WINDOW_INITIAL_JOBS };
	private othersActive = 0;
	private readonly startDelaysMs: number[] = [];
	private lastHalvedAtMs = Number.NEGATIVE_INFINITY;

	get current(): Phase {
		return this.phase;
	}

	/** How many jobs of ours may be in flight: known, K plus a slack less what others keep running or queued. */
	capacity(): number {
		if (this.phase.name === 'learning') return this.phase.jobs;
		const { limit } = this.phase;
		return Math.max(1, limit + Math.ceil(limit * WINDOW_SLACK_SHARE) - this.othersActive);
	}

	/** Learning with rows waiting for a place: a look that shows all of ours started would grow the window. */
	mayGrow(): boolean {
		return this.phase.name === 'learning' && this.slots.waiting > 0;
	}

	/** /v2/me's team.maxConcurrentJobs (Infinity: no cap); undefined says nothing. */
	reported(limit: number | undefined): void {
		if (limit !== undefined) this.apply({ name: 'known', limit, source: 'reported' });
	}

	/** A job of ours was first seen out of QUEUED this long after its submit. */
	started(delayMs: number): void {
		this.startDelaysMs.push(delayMs);
		if (this.startDelaysMs.length > START_DELAYS_KEPT) this.startDelaysMs.shift();
	}

	/**
	 * Held: QUEUED for twice the median start delay of ours (before any of ours started:
	 * HELD_BEFORE_ANY_START_MS) while the account runs a job of ours submitted no later, or jobs of
	 * others (another process, another workflow). The API's own sign that the account is full.
	 */
	isHeld(job: OurJob, atMs: number, beforeAnyStartMs: number): boolean {
		if (job.status !== 'QUEUED') return false;
		if (this.startDelaysMs.length === 0) return atMs - job.submittedAtMs >= beforeAnyStartMs;
		const medianMs = quantileMs([...this.startDelaysMs].sort((a, b) => a - b), 0.5);
		return atMs - job.submittedAtMs >= HELD_AFTER_START_DELAYS * medianMs;
	}

	/** Returns the jobs of ours the look found held. */
	looked(look: Look, beforeAnyStartMs: number): OurJob[] {
		this.othersActive = look.othersActive;
		const runningSince = look.ours.filter((job) => job.status !== 'QUEUED').map((job) => job.submittedAtMs);
		const othersRun = look.running > runningSince.length;
		const held = look.ours.filter(
			(job) => this.isHeld(job, look.atMs, beforeAnyStartMs) && (othersRun || runningSince.some((atMs) => atMs <= job.submittedAtMs)),
		);
		const phase = this.phase;
		if (held.length > 0 && !(phase.name === 'known' && phase.source === 'reported')) {
			// The count may race the API's queue (a place freed meanwhile): the highest seen is the limit.
			const counted = phase.name === 'known' ? Math.max(phase.limit, look.running) : look.running;
			this.apply({ name: 'known', limit: Math.max(1, counted), source: 'counted' });
		} else if (phase.name === 'learning' && this.slots.waiting > 0 && this.slots.inUse >= phase.jobs && look.ours.length >= phase.jobs && runningSince.length === look.ours.length) {
			this.apply({ name: 'learning', jobs: phase.jobs * WINDOW_GROWTH_FACTOR });
		} else this.apply(phase);
		return held;
	}

	/** A 429: a learning window halves (once per gap); a known limit stays, the account pauses instead. */
	rateLimited(atMs: number, gapMs: number): void {
		if (this.phase.name !== 'learning' || atMs - this.lastHalvedAtMs < gapMs) return;
		this.lastHalvedAtMs = atMs;
		this.apply({ name: 'learning', jobs: Math.max(1, Math.floor(this.phase.jobs / 2)) });
	}

	/** The one place that changes the limit. */
	private apply(phase: Phase): void {
		this.phase = phase;
		this.slots.setCapacity(this.capacity());
	}
}
