import { AccountState } from './account';

// Tests and the benchmark set the time scale here (or in shared/timing: the same knob); clock.ts applies it.
export { setTimeScale } from '../../shared/timing';
export { clock } from './clock';

/** The only per-process state of the action node's runner: what it knows of each account. */
const accounts = new Map<string, AccountState>();

export function accountState(accountKey: string): AccountState {
	let state = accounts.get(accountKey);
	if (!state) accounts.set(accountKey, (state = new AccountState()));
	return state;
}

/** Forgets every account (tests and benchmarks start afresh). */
export function forgetAll(): void {
	accounts.clear();
}
