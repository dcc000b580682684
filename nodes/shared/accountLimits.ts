import { createHash } from 'crypto';

import { ConcurrencyWindow } from './concurrency';
import { ACCOUNT_PAUSE_MAX_MS } from './constants';
import { pause, RateLimitPastDeadlineError } from './retry';

/**
 * What one Apiframe account allows is shared by every item and every execution in this n8n
 * process: a 429 seen by one item pauses them all, and jobs wait for a place in the account's
 * running-job window instead of piling up QUEUED on the API (where each would cost polls).
 */
interface AccountState {
	pausedUntilMs: number;
	window: ConcurrencyWindow;
}

const accounts = new Map<string, AccountState>();

/** Identifies an account without keeping its key in memory as plain text. */
export function accountKeyOf(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex').slice(0, 24);
}

function stateOf(accountKey: string): AccountState {
	let state = accounts.get(accountKey);
	if (!state) {
		state = { pausedUntilMs: 0, window: new ConcurrencyWindow() };
		accounts.set(accountKey, state);
	}
	return state;
}

/** The account's running-job window in this process; `fixedLimit` undefined lets it learn. */
export function accountWindow(accountKey: string, fixedLimit?: number): ConcurrencyWindow {
	const { window } = stateOf(accountKey);
	window.setFixedLimit(fixedLimit);
	return window;
}

/** Forgets what this process learned of every account (tests and benchmarks start afresh). */
export function forgetAccounts(): void {
	accounts.clear();
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

/** One 429 pauses every row of the account (never longer than ACCOUNT_PAUSE_MAX_MS) and narrows its window. */
export function noteRateLimited(accountKey: string, retryAfterMs: number): void {
	const state = stateOf(accountKey);
	state.pausedUntilMs = Math.max(state.pausedUntilMs, Date.now() + Math.min(retryAfterMs, ACCOUNT_PAUSE_MAX_MS));
	state.window.rateLimited();
}
