import { POLL_BURST, POLL_RATE_BUDGET_PER_MINUTE } from './constants';
import { scaledMs } from './timing';

/**
 * The polls one process allows itself on one account, all jobs together: a token bucket of
 * POLL_BURST that refills at POLL_RATE_BUDGET_PER_MINUTE. A burst is paid back at that rate; a
 * window of "300 in the last minute" would instead stop every poll until the minute is over.
 */
export class PollBudget {
	private tokens = POLL_BURST;
	private tokensAtMs?: number;

	note(atMs: number): void {
		this.refill(atMs);
		this.tokens -= 1;
	}

	/** The earliest moment one more poll may go. */
	allowedAtMs(nowMs: number): number {
		this.refill(nowMs);
		return this.tokens >= 1 ? nowMs : nowMs + Math.ceil((1 - this.tokens) / this.perMs());
	}

	private perMs(): number {
		return POLL_RATE_BUDGET_PER_MINUTE / scaledMs(60_000);
	}

	private refill(nowMs: number): void {
		const sinceMs = nowMs - (this.tokensAtMs ?? nowMs);
		if (sinceMs > 0) this.tokens = Math.min(POLL_BURST, this.tokens + sinceMs * this.perMs());
		this.tokensAtMs = Math.max(this.tokensAtMs ?? nowMs, nowMs);
	}
}
