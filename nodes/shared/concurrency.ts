import {
	ACCOUNT_RUNNING_PAGE,
	CONCURRENCY_BLIND_GROWTH_MAX,
	CONCURRENCY_FREE_LOOK_EVERY_MS,
	CONCURRENCY_GROWTH_FACTOR,
	CONCURRENCY_LIMIT_LOOK_EVERY_MS,
	CONCURRENCY_INITIAL,
	CONCURRENCY_PROBE_AFTER_COMPLETIONS,
	CONCURRENCY_RATE_DECREASE_GAP_MS,
	CONCURRENCY_SHARE_SLACK,
} from './constants';
import { PollBudget } from './pollBudget';
import { CancelledError, throwIfCancelled } from './retry';
import { scaledMs } from './timing';

/** One job of ours holding a place in the account's window, and what polls saw of it. */
export interface JobLease {
	jobId?: string;
	submittedAtMs?: number;
	/** First poll that saw it running (or done): an upper bound of when it started. */
	startedSeenAtMs?: number;
	lastSeenQueuedAtMs?: number;
	/** While held: when the API should start it, first come first served, as the jobs ahead of it end. */
	predictedStartMs?: number;
	observed: boolean;
	/** Seen QUEUED while jobs of ours submitted no later already ran: the account is full. */
	held: boolean;
	everHeld: boolean;
	/** The one place more that a settled window tries; see ConcurrencyWindow.release. */
	probe?: boolean;
	/** Whether the poller should look early, to learn whether the job started. */
	startCheck: boolean;
	startChecks: number;
	/** Seen running, then missing from the account's running jobs: it ended, look now. */
	endLikely?: boolean;
	/** Set by the poller while it waits for the next look: ends the wait early. */
	wake?: () => void;
}

const RUNNING = new Set(['PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']);
/**
 * A job counts as held once it has waited this many times the median time ours took to start: a
 * provider that starts jobs late does so in proportion to their length, so one fast start says little.
 */
const HELD_AGE_FACTOR = 2;
const START_DELAYS_KEPT = 64;

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
 * The account's own limit is counted too: its running jobs at a moment one of ours waits. Sharing
 * the account (another queue-mode worker, another workflow) and settled below it with rows
 * waiting, the window keeps what the others' running and queued jobs leave of it, plus a slack.
 * A fixed limit (Max Running Jobs, or a limit the API reports) switches all learning off. Each
 * process learns on its own, so several queue-mode workers settle on their shares of the account.
 */
export class ConcurrencyWindow {
	limit: number;
	private fixed = false;
	private settled = false;
	private everStarted = false;
	private readonly startDelaysMs: number[] = [];
	private cleanCompletions = 0;
	/** Places a settled window tries beyond what it knows works (see release). */
	private probeRound?: { places: number };
	/** How many of the next takes belong to the probe round. */
	private probesPending = 0;
	private probeStep = 1;
	private settledAtMs = Number.NEGATIVE_INFINITY;
	/** Until every job of the round that settled the window has been looked at. */
	private learningRound = true;
	private lastDecreaseMs = Number.NEGATIVE_INFINITY;
	/**
	 * Before any job of ours ran, one look at the account's running jobs tells a provider that
	 * starts jobs late (nothing runs: the window may grow blind) from an account others fill
	 * (another n8n process or workflow: ours wait behind theirs, and the window must not grow).
	 */
	private accountLook: 'not yet' | 'wanted' | 'asked' | 'idle' | 'busy' = 'not yet';
	/** The account's running jobs counted while one of ours waited: its limit, for every process on it. */
	private accountLimit?: number;
	private accountLimitWanted = false;
	private lastLimitLookAtMs = Number.NEGATIVE_INFINITY;
	/** Some look listed jobs that are not ours: another process or workflow shares the account. */
	private sharing = false;
	/** Every job of ours ran and the account's limit is known: its free places say how far to grow. */
	private freeLookWanted = false;
	/** The look at the account's running jobs in flight (one at a time), and when the last began. */
	private lookInFlight?: 'others' | 'limit' | 'free';
	private lastLookAtMs = Number.NEGATIVE_INFINITY;
	/** Places taken because the account had them free: looked at early, like probes, to see them run. */
	private startChecksPending = 0;
	private readonly running = new Set<JobLease>();
	private readonly polls = new PollBudget();
	private readonly waiting: Array<(lease: JobLease) => void> = [];

	constructor(private readonly initial = CONCURRENCY_INITIAL) {
		this.limit = initial;
	}

	/** A fixed limit (the user's, or one the API reports) wins; undefined lets the window learn. */
	setFixedLimit(limit: number | undefined): void {
		if (limit === undefined) {
			if (this.fixed) Object.assign(this, { fixed: false, settled: false, learningRound: true, limit: this.initial });
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
		const probe = this.probesPending > 0;
		if (probe) this.probesPending--;
		const freed = !probe && this.startChecksPending > 0;
		if (freed) this.startChecksPending--;
		const lease: JobLease = { observed: false, held: false, everHeld: false, startChecks: 0, startCheck: !this.fixed && (!this.settled || probe || freed), probe };
		this.running.add(lease);
		return lease;
	}

	submitted(lease: JobLease, atMs = Date.now(), jobId?: string): void {
		lease.submittedAtMs = atMs;
		lease.jobId = jobId;
	}

	/** Whether the poller should now list the account's running jobs, and answer with noteAccountRunning. */
	takeAccountLook(nowMs = Date.now()): boolean {
		if (this.lookInFlight) return false;
		if (this.accountLook === 'wanted') {
			this.accountLook = 'asked';
			this.lookInFlight = 'others';
		} else if (this.accountLimitWanted) {
			this.accountLimitWanted = false;
			this.lookInFlight = 'limit';
		} else if (this.freeLookWanted || this.freePlacesMayExist(nowMs)) {
			this.freeLookWanted = false;
			this.lookInFlight = 'free';
		} else return false;
		this.lastLookAtMs = nowMs;
		return true;
	}

	/** Whether this look wants the account's QUEUED jobs as well (to count what others wait for). */
	lookWantsQueued(): boolean {
		return this.lookInFlight === 'free';
	}

	/** The account's running jobs (its first page), and its queued ones when asked; undefined when unreadable. */
	noteAccountRunning(jobIds: string[] | undefined, atMs = Date.now(), queuedIds?: string[]): void {
		const look = this.lookInFlight;
		this.lookInFlight = undefined;
		const counted = jobIds !== undefined && jobIds.length < ACCOUNT_RUNNING_PAGE ? jobIds.length : undefined;
		if (jobIds !== undefined && counted !== undefined) this.noteOursInList(new Set(jobIds), atMs);
		if (this.othersIn([...(jobIds ?? []), ...(queuedIds ?? [])]) > 0) this.sharing = true;
		if (look === 'others') {
			// Unreadable: it grows as if idle (blind, once).
			this.accountLook = jobIds !== undefined && this.othersIn(jobIds) > 0 ? 'busy' : 'idle';
			// Ours all wait while others run: what runs is the account's limit.
			if (this.accountLook === 'busy' && counted !== undefined) this.accountLimit = counted;
		} else if (look === 'limit' && counted !== undefined) {
			// The count races the API's queue (the job that waited may have started meanwhile): the highest is the limit.
			this.accountLimit = Math.max(this.accountLimit ?? 0, counted);
		} else if (look === 'free' && jobIds !== undefined && counted !== undefined && this.accountLimit !== undefined) {
			// Ours may hold what the account's limit leaves to others' jobs, running and waiting, and
			// while sharing a little slack: two workers doing so share it, rather than each holding the whole and
			// queueing the rest.
			// (Counting free places instead would count ours that ended unnoticed twice.)
			const others = this.othersIn([...jobIds, ...(queuedIds ?? [])]);
			// Alone on the account, the limit is the limit: a job always waiting costs polls and gains nothing.
			const slack = others > 0 ? Math.max(1, Math.round(this.accountLimit * CONCURRENCY_SHARE_SLACK)) : 0;
			const share = Math.max(1, Math.min(this.accountLimit - others + slack, this.running.size + this.waiting.length));
			if (share > this.limit) this.startChecksPending = share - this.limit;
			// Without the queue's list, others' waiting jobs are unknown: only grow.
			if (share > this.limit || queuedIds !== undefined) this.limit = share;
		}
		this.grow();
		this.wake();
	}

	/**
	 * How many of the listed jobs are others': not ours, less those of ours whose submit has not
	 * answered yet (listed already, but we do not know their ids).
	 */
	private othersIn(jobIds: string[]): number {
		const ours = new Set([...this.running].map((lease) => lease.jobId));
		const oursWithoutId = [...this.running].filter((lease) => lease.jobId === undefined).length;
		return Math.max(0, jobIds.filter((id) => !ours.has(id)).length - oursWithoutId);
	}

	/**
	 * The whole list of the account's running jobs is a look at every job of ours at once: one
	 * listed has started (a held one is no longer waiting), one seen running and not listed has
	 * ended. Their pollers are woken to look again from what is known now.
	 */
	private noteOursInList(runningNow: Set<string>, atMs: number): void {
		for (const lease of [...this.running]) {
			if (lease.jobId === undefined || lease.submittedAtMs === undefined || lease.submittedAtMs > atMs) continue;
			if (runningNow.has(lease.jobId)) {
				if (lease.startedSeenAtMs !== undefined) continue;
				this.observe(lease, 'PROCESSING', undefined, atMs);
			} else if (lease.startedSeenAtMs !== undefined && !lease.endLikely) {
				lease.endLikely = true;
			} else continue;
			lease.wake?.();
		}
	}

	/**
	 * Settled below the account's limit, rows waiting and the window full: others may have left
	 * places free (at most one look per CONCURRENCY_FREE_LOOK_EVERY_MS). One of ours waiting at the
	 * API needs no exception: the account is full then, and the count says so.
	 */
	private freePlacesMayExist(nowMs: number): boolean {
		// Alone on the account there is nobody to share with: the window's own limit is the account's.
		if (this.fixed || !this.settled || !this.sharing || this.accountLimit === undefined || this.waiting.length === 0 || this.running.size < this.limit) return false;
		return this.presumedRunning().length < this.accountLimit && nowMs - this.lastLookAtMs >= scaledMs(CONCURRENCY_FREE_LOOK_EVERY_MS);
	}

	/** What a poll (or the submit's answer) said of the job. */
	observe(lease: JobLease, status: string, progress: number | undefined, atMs = Date.now()): void {
		lease.observed = true;
		if (RUNNING.has(status) || (progress ?? 0) > 0) {
			if (lease.startedSeenAtMs === undefined && lease.submittedAtMs !== undefined) {
				lease.startedSeenAtMs = atMs;
				const delayMs = atMs - lease.submittedAtMs;
				this.startDelaysMs.push(delayMs);
				if (this.startDelaysMs.length > START_DELAYS_KEPT) this.startDelaysMs.shift();
				this.everStarted = true;
			}
			lease.held = false;
		} else if (status === 'QUEUED') {
			lease.lastSeenQueuedAtMs = atMs;
		}
		// Polls of one round arrive in any order: judge every queued job again with what is known now.
		for (const queued of this.running) {
			if (!queued.held && queued.startedSeenAtMs === undefined && queued.lastSeenQueuedAtMs !== undefined && this.isHeld(queued, queued.lastSeenQueuedAtMs)) {
				this.hold(queued, atMs);
			}
		}
		// In the learning round the polls come in any order: ours seen running at once is a floor.
		if (!this.fixed && this.learningRound && this.heldLeases().length > 0 && atMs - this.lastDecreaseMs >= scaledMs(CONCURRENCY_RATE_DECREASE_GAP_MS)) {
			this.limit = Math.max(this.limit, this.startedLeases().length);
		}
		if (this.settled && this.learningRound && [...this.running].every((each) => each.observed)) this.learningRound = false;
		this.grow();
	}

	/**
	 * A job of ours left the window. `ranMs` is its created → completed as the API measured it: it
	 * ended about that long after its submit (a difference of the API's own clock, so skew-free).
	 * A probe seen running only after a job of ours ended may just have taken that job's place from
	 * the API's queue: the account had no place more, and the round is withdrawn. A round that ran
	 * its course was places more: the next, twice as large, is tried at once (the other worker
	 * finished, the plan grew), so the window climbs back in a few rounds.
	 */
	release(lease: JobLease, completed: boolean, ranMs?: number): void {
		if (!this.running.delete(lease)) return;
		const endedAtMs = lease.submittedAtMs !== undefined && ranMs !== undefined ? lease.submittedAtMs + ranMs : undefined;
		const waitedForUs = (probe: JobLease) =>
			probe.probe && endedAtMs !== undefined && probe.submittedAtMs !== undefined && endedAtMs >= probe.submittedAtMs && endedAtMs <= (probe.startedSeenAtMs ?? Number.POSITIVE_INFINITY);
		if ([...this.running].some(waitedForUs)) this.probeFailed();
		if (lease.probe && completed && this.probeRound) {
			this.endProbeRound();
			this.probeStep *= 2;
			if (this.waiting.length > 0) this.tryMore(this.probeStep);
		} else if (completed && !lease.held && this.settled && !this.fixed && !this.probeRound) {
			this.cleanCompletions++;
			if (this.cleanCompletions >= CONCURRENCY_PROBE_AFTER_COMPLETIONS * this.limit && this.waiting.length > 0) this.tryMore(1);
		}
		this.wake();
	}

	private tryMore(places: number): void {
		this.cleanCompletions = 0;
		this.limit += places;
		this.probeRound = { places };
		// The place just freed is refilled in the same breath and races the new ones for the API's
		// places: it is judged with them (else a probe that won the race would hide the refill waiting).
		this.probesPending = places + 1;
	}

	/** The account had no place for the round: its places go, and the next round is one place. */
	private probeFailed(): void {
		if (!this.probeRound) return;
		this.limit = Math.max(1, this.limit - this.probeRound.places);
		this.probeStep = 1;
		this.endProbeRound();
	}

	private endProbeRound(): void {
		for (const lease of this.running) lease.probe = false;
		this.probeRound = undefined;
		this.probesPending = 0;
		this.cleanCompletions = 0;
	}

	rateLimited(atMs = Date.now()): void {
		if (this.fixed || atMs - this.lastDecreaseMs < scaledMs(CONCURRENCY_RATE_DECREASE_GAP_MS)) return;
		this.lastDecreaseMs = atMs;
		this.limit = Math.max(1, Math.floor(this.limit / 2));
		this.settled = true;
	}

	notePoll(atMs = Date.now()): void {
		this.polls.note(atMs);
	}

	/** The earliest moment the account's poll budget allows one more poll. */
	pollAllowedAtMs(nowMs = Date.now()): number {
		return this.polls.allowedAtMs(nowMs);
	}

	/** Jobs of ours seen running (or done) and not yet handed over: positive evidence of capacity. */
	startedLeases(): JobLease[] {
		return [...this.running].filter((lease) => lease.startedSeenAtMs !== undefined);
	}

	/**
	 * Jobs of ours that run as far as we know: seen running, or submitted into a free place and
	 * never seen waiting (settled, a job is not looked at before its expected end).
	 */
	presumedRunning(): JobLease[] {
		return [...this.running].filter(
			(lease) => lease.startedSeenAtMs !== undefined || (lease.submittedAtMs !== undefined && !lease.held && lease.lastSeenQueuedAtMs === undefined),
		);
	}

	/** Held jobs of ours in submit order (the API starts them first come, first served). */
	heldLeases(): JobLease[] {
		return [...this.running].filter((lease) => lease.held).sort((a, b) => (a.submittedAtMs ?? 0) - (b.submittedAtMs ?? 0));
	}

	/** QUEUED at twice the age at which ours typically started, while one of ours submitted no later runs. */
	private isHeld(lease: JobLease, atMs: number): boolean {
		if (lease.submittedAtMs === undefined || this.startDelaysMs.length === 0) return false;
		const sorted = [...this.startDelaysMs].sort((a, b) => a - b);
		const medianStartMs = sorted[Math.floor((sorted.length - 1) / 2)];
		return this.hasRunningAhead(lease) && atMs - lease.submittedAtMs >= medianStartMs * HELD_AGE_FACTOR;
	}

	/** Some job of ours submitted no later than this one runs (or is presumed to). */
	private hasRunningAhead(lease: JobLease): boolean {
		const submittedAt = lease.submittedAtMs ?? Number.POSITIVE_INFINITY;
		return this.presumedRunning().some((other) => other !== lease && (other.submittedAtMs ?? Infinity) <= submittedAt);
	}

	/**
	 * While learning, every job of the round was looked at: the number seen running is the
	 * account's capacity for us. Settled, jobs are looked at only near their end, so a held job
	 * just means one place fewer (a probe that failed, or another workflow took a place).
	 */
	private hold(lease: JobLease, atMs: number): void {
		lease.held = true;
		lease.everHeld = true;
		this.cleanCompletions = 0;
		// One of ours waits: the account's running jobs now are its limit (counted again only now and
		// then: plans change, and a count that raced the API's queue may have been short).
		const limitLookDue = this.accountLimit === undefined || atMs - this.lastLimitLookAtMs >= scaledMs(CONCURRENCY_LIMIT_LOOK_EVERY_MS);
		if (!this.fixed && limitLookDue && atMs - this.lastLookAtMs >= scaledMs(CONCURRENCY_FREE_LOOK_EVERY_MS)) {
			this.accountLimitWanted = true;
			this.lastLimitLookAtMs = atMs;
		}
		if (!this.settled) {
			this.settled = true;
			this.settledAtMs = atMs;
		}
		if (this.fixed) return;
		if (lease.probe) return this.probeFailed();
		const fromLearningRound = (lease.submittedAtMs ?? 0) <= this.settledAtMs;
		this.limit = fromLearningRound ? Math.max(1, Math.min(this.limit, this.startedLeases().length)) : Math.max(1, this.limit - 1);
	}

	private grow(): void {
		if (this.fixed || this.settled || this.waiting.length === 0 || this.running.size < this.limit) return;
		const leases = [...this.running];
		if (!leases.every((lease) => lease.observed) || leases.some((lease) => lease.held)) return;
		// One of ours waiting while another runs may be the account's limit: do not grow past it yet.
		if (leases.some((lease) => lease.startedSeenAtMs === undefined && lease.lastSeenQueuedAtMs !== undefined && this.hasRunningAhead(lease))) return;
		if (!this.everStarted && this.limit >= this.initial * CONCURRENCY_BLIND_GROWTH_MAX) return;
		if (!this.everStarted && this.accountLook !== 'idle') {
			if (this.accountLook === 'not yet') this.accountLook = 'wanted';
			return;
		}
		// The account's limit is known (others filled it while ours waited): grow into its free
		// places, counted now, rather than fourfold into a queue behind the other worker's jobs.
		if (this.everStarted && this.accountLimit !== undefined) {
			this.settled = true;
			this.freeLookWanted = true;
			return;
		}
		this.limit *= this.everStarted ? CONCURRENCY_GROWTH_FACTOR : 2;
		if (!this.everStarted) this.limit = Math.min(this.limit, this.initial * CONCURRENCY_BLIND_GROWTH_MAX);
		this.wake();
	}

	/** Hands free places straight to the rows waiting longest, so none can be overtaken. */
	private wake(): void {
		while (this.running.size < this.limit && this.waiting.length) (this.waiting.shift() as (lease: JobLease) => void)(this.take());
	}
}
