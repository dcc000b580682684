import { createHash } from 'crypto';

import { ACCOUNT_PAUSE_MAX_MS } from './constants';
import { pause, RateLimitPastDeadlineError } from './retry';

/**
 * What one Apiframe account allows is shared by every item and every execution in this n8n
 * process: a 429 seen by one item pauses them all, and jobs wait for a free slot here instead of
 * piling up QUEUED on the API (where each would cost polls while it waits).
 */
interface AccountState {
	pausedUntilMs: number;
	slots: Slots;
}

class Slots {
	private running = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private limit: number) {}

	setLimit(limit: number): void {
		const grew = limit > this.limit;
		this.limit = limit;
		if (grew) this.waiting.splice(0).forEach((wake) => wake());
	}

	async acquire(signal: AbortSignal | undefined): Promise<() => void> {
		while (this.running >= this.limit) {
			await new Promise<void>((resolve) => {
				const onAbort = () => {
					this.waiting.splice(this.waiting.indexOf(wake), 1);
					resolve();
				};
				const wake = () => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				};
				this.waiting.push(wake);
				signal?.addEventListener('abort', onAbort, { once: true });
			});
			if (signal?.aborted) await pause(0, signal);
		}
		this.running++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.running--;
			this.waiting.shift()?.();
		};
	}
}

const accounts = new Map<string, AccountState>();

/** Identifies an account without keeping its key in memory as plain text. */
export function accountKeyOf(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex').slice(0, 24);
}

function stateOf(accountKey: string, slotLimit: number): AccountState {
	let state = accounts.get(accountKey);
	if (!state) {
		state = { pausedUntilMs: 0, slots: new Slots(slotLimit) };
		accounts.set(accountKey, state);
	}
	return state;
}

/** Waits out the account's 429 pause; a pause that would outlast the row's deadline ends the row instead. */
export async function waitForRateWindow(
	accountKey: string,
	signal: AbortSignal | undefined,
	deadlineAtMs?: number,
): Promise<void> {
	const state = accounts.get(accountKey);
	if (!state) return;
	for (let waitMs = state.pausedUntilMs - Date.now(); waitMs > 0; waitMs = state.pausedUntilMs - Date.now()) {
		if (deadlineAtMs !== undefined && state.pausedUntilMs > deadlineAtMs) throw new RateLimitPastDeadlineError(waitMs);
		await pause(waitMs, signal);
	}
}

/** One 429 pauses every row of the account, but never for longer than ACCOUNT_PAUSE_MAX_MS. */
export function noteRateLimited(accountKey: string, retryAfterMs: number): void {
	const state = stateOf(accountKey, Number.POSITIVE_INFINITY);
	state.pausedUntilMs = Math.max(state.pausedUntilMs, Date.now() + Math.min(retryAfterMs, ACCOUNT_PAUSE_MAX_MS));
}

export async function acquireJobSlot(
	accountKey: string,
	limit: number,
	signal: AbortSignal | undefined,
): Promise<() => void> {
	const state = stateOf(accountKey, limit);
	state.slots.setLimit(limit);
	return await state.slots.acquire(signal);
}

