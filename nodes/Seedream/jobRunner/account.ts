import type { IDataObject } from 'n8n-workflow';

import type { ApiContext, RateGate } from '../../shared/api';
import { apiframeRequest } from '../../shared/api';
import { DURATIONS_TO_WARM, JOB_DURATION_SAMPLES_KEPT, LOOK_BURST, LOOK_RATE_PER_MINUTE, UPLOADS_AT_ONCE } from '../../shared/constants';
import { RateLimitPastDeadlineError } from '../../shared/retry';
import { Semaphore } from '../../shared/semaphore';
import { limitFromAccount } from '../actions/runningJobLimit';
import { clock } from './clock';
import { Window } from './phases';
import { Watcher } from './watcher';

/** A reference file uploaded to the account: its URL is reused (a retry sends the same body) while it lives. */
export interface Upload {
	url: Promise<string>;
	reusableUntilMs: number;
}

/**
 * What this process knows of one Apiframe account, shared by every row and execution on it: its
 * running-job window, its one watcher, its 429 pause, its look budget and the durations of its jobs.
 */
export class AccountState {
	readonly window = new Window();
	readonly watcher = new Watcher(this);
	/** Reference files uploaded to the account, by the SHA-256 of their bytes. */
	readonly uploads = new Map<string, Upload>();
	/** Uploads share the account's rate limit with submits and looks: at most UPLOADS_AT_ONCE at once. */
	readonly uploadLane = new Semaphore(UPLOADS_AT_ONCE);
	/** Earlier jobs' reference files, by upload URL (one file for good): their SHA-256, or undefined when unreadable. */
	readonly fileDigests = new Map<string, Promise<string | undefined>>();
	/** Rows of ours whose submit has not answered: listed already, but their ids are not known yet. */
	submitting = 0;
	private pausedUntilMs = 0;
	private reportedLimit?: { limit: Promise<number | undefined>; askedAtMs: number };
	private readonly durationsByKind = new Map<string, number[]>();
	private tokens = LOOK_BURST;
	private tokensAtMs?: number;

	/** One 429 pauses every request of the account that passes this gate (at most ACCOUNT_PAUSE_MAX_MS), and narrows a learning window. */
	readonly rateGate: RateGate = {
		wait: async (signal, deadlineAtMs) => {
			for (let waitMs = this.pausedUntilMs - clock.now(); waitMs > 0; waitMs = this.pausedUntilMs - clock.now()) {
				if (deadlineAtMs !== undefined && this.pausedUntilMs > deadlineAtMs) throw new RateLimitPastDeadlineError(waitMs);
				await clock.sleep(waitMs, signal);
			}
		},
		limited: (retryAfterMs) => {
			const times = clock.times();
			this.pausedUntilMs = Math.max(this.pausedUntilMs, clock.now() + Math.min(retryAfterMs, times.accountPauseMaxMs));
			this.window.rateLimited(clock.now(), times.rateDecreaseGapMs);
		},
	};

	/** `/v2/me`'s running-job limit, asked once per ACCOUNT_LIMIT_CACHE_MS, into the window. */
	async learnReportedLimit(ctx: ApiContext): Promise<void> {
		const cached = this.reportedLimit;
		if (!cached || clock.now() - cached.askedAtMs >= clock.times().accountLimitCacheMs) {
			const limit = apiframeRequest<IDataObject>(ctx, { method: 'GET', path: '/v2/me', idempotent: true }).then(limitFromAccount, () => {
				this.reportedLimit = undefined;
				return undefined;
			});
			this.reportedLimit = { limit, askedAtMs: clock.now() };
		}
		this.window.reported(await (this.reportedLimit ?? cached)?.limit);
	}

	/** Learned durations of one kind (model and size), sorted; undefined until DURATIONS_TO_WARM are known. */
	durationsOf(kind: string): number[] | undefined {
		const samples = this.durationsByKind.get(kind) ?? [];
		return samples.length >= DURATIONS_TO_WARM ? [...samples].sort((a, b) => a - b) : undefined;
	}

	recordDuration(kind: string, durationMs: number): void {
		const samples = this.durationsByKind.get(kind) ?? [];
		samples.push(durationMs);
		if (samples.length > JOB_DURATION_SAMPLES_KEPT) samples.shift();
		this.durationsByKind.set(kind, samples);
	}

	/** A request of the watcher: one token of the look budget (LOOK_BURST, refilled at LOOK_RATE_PER_MINUTE). */
	spendLook(atMs: number): void {
		this.refill(atMs);
		this.tokens -= 1;
	}

	/** The earliest moment the budget allows one more look. */
	lookAllowedAtMs(nowMs: number): number {
		this.refill(nowMs);
		return this.tokens >= 1 ? nowMs : nowMs + Math.ceil((1 - this.tokens) / this.tokensPerMs());
	}

	private tokensPerMs(): number {
		return LOOK_RATE_PER_MINUTE / clock.times().minuteMs;
	}

	private refill(nowMs: number): void {
		const sinceMs = nowMs - (this.tokensAtMs ?? nowMs);
		if (sinceMs > 0) this.tokens = Math.min(LOOK_BURST, this.tokens + sinceMs * this.tokensPerMs());
		this.tokensAtMs = Math.max(this.tokensAtMs ?? nowMs, nowMs);
	}
}
