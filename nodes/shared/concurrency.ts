import {
	CONCURRENCY_BLIND_GROWTH_MAX,
	CONCURRENCY_GROWTH_FACTOR,
	CONCURRENCY_INITIAL,
	CONCURRENCY_PROBE_AFTER_COMPLETIONS,
	CONCURRENCY_RATE_DECREASE_GAP_MS,
} from './constants';
import { CancelledError, throwIfCancelled } from './retry';
import { scaledMs } from './timing';

/** One job of ours holding a place in the account's window, and what polls saw of it. */
export interface JobLease {
	submittedAtMs?: number;
	/** First poll that saw it running (or done): an upper bound of when it started. */
	startedSeenAtMs?: number;
	lastSeenQueuedAtMs?: number;
	observed: boolean;
	/** Seen QUEUED while jobs of ours submitted no later already ran: the account is full. */
	held: boolean;
	everHeld: boolean;
	/** Whether the poller should look early, to learn whether the job started. */
	startCheck: boolean;
	startChecks: number;
}

const RUNNING = new Set(['PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']);
/** Polls of one round land a few ms apart: "as old as the fastest start" allows for that jitter. */
const HELD_AGE_FACTOR = 0.8;

/**
 * How many jobs this n8n process keeps running on one Apiframe account. The API does not say how
 * many may run at once, so the window learns it from what the API does:
 * - it starts at CONCURRENCY_INITIAL and grows CONCURRENCY_GROWTH_FACTOR-fold each time every job
 *   in it was seen and none was held back (before any job was seen running, it may double only once: a provider that starts
 *   jobs late looks the same as a full account for a while);
 * - a job that stays QUEUED while jobs of ours submitted before it run is the API's own sign that
 *   the account is full: the window shrinks to the number of ours running, and settles;
 * - settled, it probes one more after CONCURRENCY_PROBE_AFTER_COMPLETIONS × limit clean
 *   completions (plans change, other workflows and n8n processes come and go);
 * - a 429 halves it.
 * A fixed limit (Max Running Jobs, or a limit the API reports) switches all learning off. Each
 * process learns on its own, so several queue-mode workers settle on their shares of the account.
 */
export class ConcurrencyWindow {
	limit: number;
	private fixed = false;
	private settled = false;
	private everStarted = false;
	private fastestStartMs?: number;
	private cleanCompletions = 0;
	private probePending = false;
	private lastDecreaseMs = Number.NEGATIVE_INFINITY;
	private readonly running = new Set<JobLease>();
	private readonly waiting: Array<(lease: JobLease) => void> = [];

	constructor(private readonly initial = CONCURRENCY_INITIAL) {
		this.limit = initial;
	}

	/** A fixed limit (the user's, or one the API reports) wins; undefined lets the window learn. */
	setFixedLimit(limit: number | undefined): void {
		if (limit === undefined) {
			if (this.fixed) Object.assign(this, { fixed: false, settled: false, limit: this.initial });
		} else Object.assign(this, { fixed: true, limit });
		this.wake();
	}

	get inFlight(): number {
		return this.running.size;
	}

	/** A place in the window, first come first served; a user's Stop ends the wait. */
	async acquire(signal: AbortSignal | undefined): Promise<JobLease> {
		throwIfCancelled(signal);
		if (this.waiting.length === 0 && this.running.size < this.limit) return this.take();
		return await new Promise<JobLease>((resolve, reject) => {
			const onAbort = () => {
				const index = this.waiting.indexOf(waiter);
				if (index >= 0) this.waiting.splice(index, 1);
				reject(new CancelledError());
			};
			const waiter = (lease: JobLease) => {
				signal?.removeEventListener('abort', onAbort);
				resolve(lease);
			};
			this.waiting.push(waiter);
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	}

	private take(): JobLease {
		const lease: JobLease = { observed: false, held: false, everHeld: false, startChecks: 0, startCheck: !this.fixed && (!this.settled || this.probePending) };
		this.probePending = false;
		this.running.add(lease);
		return lease;
	}

	submitted(lease: JobLease, atMs = Date.now()): void {
		lease.submittedAtMs = atMs;
	}

	/** What a poll (or the submit's answer) said of the job. */
	observe(lease: JobLease, status: string, progress: number | undefined, atMs = Date.now()): void {
		lease.observed = true;
		if (RUNNING.has(status) || (progress ?? 0) > 0) {
			if (lease.startedSeenAtMs === undefined && lease.submittedAtMs !== undefined) {
				lease.startedSeenAtMs = atMs;
				const delayMs = atMs - lease.submittedAtMs;
				this.fastestStartMs = Math.min(this.fastestStartMs ?? delayMs, delayMs);
				this.everStarted = true;
			}
			lease.held = false;
		} else if (status === 'QUEUED') {
			lease.lastSeenQueuedAtMs = atMs;
		}
		// Polls of one round arrive in any order: judge every queued job again with what is known now.
		for (const queued of this.running) {
			if (!queued.held && queued.startedSeenAtMs === undefined && queued.lastSeenQueuedAtMs !== undefined && this.isHeld(queued, queued.lastSeenQueuedAtMs)) {
				this.hold(queued);
			}
		}
		// While the account is known full, ours running at once is a floor for what it allows.
		if (!this.fixed && this.heldLeases().length > 0 && atMs - this.lastDecreaseMs >= scaledMs(CONCURRENCY_RATE_DECREASE_GAP_MS)) {
			this.limit = Math.max(this.limit, this.startedLeases().length);
		}
		this.grow();
	}

	release(lease: JobLease, completed: boolean): void {
		if (!this.running.delete(lease)) return;
		if (completed && !lease.held && this.settled && !this.fixed) {
			this.cleanCompletions++;
			if (this.cleanCompletions >= CONCURRENCY_PROBE_AFTER_COMPLETIONS * this.limit && this.waiting.length > 0) {
				this.cleanCompletions = 0;
				this.limit++;
				this.probePending = true;
			}
		}
		this.wake();
	}

	rateLimited(atMs = Date.now()): void {
		if (this.fixed || atMs - this.lastDecreaseMs < scaledMs(CONCURRENCY_RATE_DECREASE_GAP_MS)) return;
		this.lastDecreaseMs = atMs;
		this.limit = Math.max(1, Math.floor(this.limit / 2));
		this.settled = true;
	}

	/** Jobs of ours seen running, in submit order: what a held job waits behind. */
	startedLeases(): JobLease[] {
		return [...this.running].filter((lease) => lease.startedSeenAtMs !== undefined);
	}

	/** Held jobs of ours in submit order (the API starts them first come, first served). */
	heldLeases(): JobLease[] {
		return [...this.running].filter((lease) => lease.held).sort((a, b) => (a.submittedAtMs ?? 0) - (b.submittedAtMs ?? 0));
	}

	/** QUEUED at an age at which some job of ours, submitted no later, was already seen running. */
	private isHeld(lease: JobLease, atMs: number): boolean {
		if (lease.submittedAtMs === undefined || this.fastestStartMs === undefined) return false;
		const ageMs = atMs - lease.submittedAtMs;
		const submittedAt = lease.submittedAtMs;
		const aheadRunning = [...this.running].some(
			(other) => other !== lease && other.startedSeenAtMs !== undefined && (other.submittedAtMs ?? Infinity) <= submittedAt,
		);
		return aheadRunning && ageMs >= this.fastestStartMs * HELD_AGE_FACTOR;
	}

	private hold(lease: JobLease): void {
		lease.held = true;
		lease.everHeld = true;
		this.settled = true;
		this.cleanCompletions = 0;
		if (this.fixed) return;
		this.limit = Math.max(1, Math.min(this.limit, this.startedLeases().length));
	}

	private grow(): void {
		if (this.fixed || this.settled || this.waiting.length === 0 || this.running.size < this.limit) return;
		const leases = [...this.running];
		if (!leases.every((lease) => lease.observed) || leases.some((lease) => lease.held)) return;
		if (!this.everStarted && this.limit >= this.initial * CONCURRENCY_BLIND_GROWTH_MAX) return;
		this.limit *= this.everStarted ? CONCURRENCY_GROWTH_FACTOR : 2;
		if (!this.everStarted) this.limit = Math.min(this.limit, this.initial * CONCURRENCY_BLIND_GROWTH_MAX);
		this.wake();
	}

	/** Hands free places straight to the rows waiting longest, so none can be overtaken. */
	private wake(): void {
		while (this.running.size < this.limit && this.waiting.length) (this.waiting.shift() as (lease: JobLease) => void)(this.take());
	}
}
