import { sleep } from 'n8n-workflow';

import { DOWNLOAD_BUDGET_IDLE_MS, DOWNLOAD_IDLE_MS, DOWNLOAD_TOTAL_MS, DOWNLOAD_WATCH_EVERY_MS } from './constants';

export interface DownloadLimits {
	/** No byte for this long ends the try (retried like a dropped connection). */
	idleMs: number;
	/** One try, request to last byte, ends after this long (time waiting for store room excluded). */
	totalMs: number;
	/** No byte for this long gives the download's share of the store budget back. */
	budgetIdleMs: number;
}

const DEFAULT_LIMITS: DownloadLimits = { idleMs: DOWNLOAD_IDLE_MS, totalMs: DOWNLOAD_TOTAL_MS, budgetIdleMs: DOWNLOAD_BUDGET_IDLE_MS };
let limits: DownloadLimits = { ...DEFAULT_LIMITS };

/** Tests shorten the limits (stalls of a second, not of 30 s); `{}` restores the defaults. */
export function setDownloadLimits(changes: Partial<DownloadLimits>): DownloadLimits {
	limits = { ...DEFAULT_LIMITS, ...changes };
	return limits;
}

export function downloadLimits(): DownloadLimits {
	return limits;
}

/**
 * A download the watchdog ended: no byte for too long, or too long in all. Its code makes
 * withRetry (isNetworkError) try it again, as it would a dropped connection.
 */
export class DownloadStalledError extends Error {
	readonly code = 'ETIMEDOUT';

	constructor(message: string) {
		super(message);
		this.name = 'DownloadStalledError';
	}
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Watches one try of a download. The HTTP client stops counting its timeout once the headers are in, so a
 * server that sends part of a file and then nothing would hold the row (and its share of the
 * store budget) for good. Node code has no timers but `sleep`: a loop of it looks at the progress
 * and, past a limit, aborts the request (which ends the body stream with an error). It never
 * blocks the download: `finish()` only sets a flag the loop sees on its next look (on n8n 1.x
 * `sleep` ignores an abort signal, so the loop is never awaited).
 */
export class DownloadWatch {
	/** Set when the watch ended the try: the error to report instead of the stream's. */
	stopped?: DownloadStalledError;
	private receivedBytes = 0;
	private lastByteAtMs = Date.now();
	private waitingSinceMs?: number;
	private totalPausedMs = 0;
	private done = false;
	private releaseBudget?: () => void;

	constructor(
		private readonly url: string,
		private readonly startedAtMs: number,
		private readonly abort: (reason: Error) => void,
		private readonly settings: DownloadLimits = limits,
	) {}

	/** Starts looking once the headers are in; `expectedBytes` is the Content-Length (0: unknown). */
	start(expectedBytes: number): void {
		this.lastByteAtMs = Date.now();
		void this.run(expectedBytes);
	}

	/** The running total of bytes read so far; only an increase counts as progress. */
	progress(totalBytes: number): void {
		if (totalBytes <= this.receivedBytes) return;
		this.receivedBytes = totalBytes;
		this.lastByteAtMs = Date.now();
	}

	/** Waiting for store room is not a stall: the clocks stop until `waited()`. */
	waiting(): void {
		this.waitingSinceMs = Date.now();
	}

	/** The download has its share of the store budget; the watch gives it back if bytes stop coming. */
	waited(releaseBudget: () => void): void {
		const now = Date.now();
		this.totalPausedMs += now - (this.waitingSinceMs ?? now);
		this.waitingSinceMs = undefined;
		this.lastByteAtMs = now;
		this.releaseBudget = releaseBudget;
	}

	finish(): void {
		this.done = true;
	}

	private async run(expectedBytes: number): Promise<void> {
		const { idleMs, totalMs, budgetIdleMs } = this.settings;
		const everyMs = Math.max(5, Math.min(DOWNLOAD_WATCH_EVERY_MS, idleMs / 4, budgetIdleMs / 2));
		while (!this.done) {
			await sleep(everyMs);
			if (this.done || this.waitingSinceMs !== undefined) continue;
			const now = Date.now();
			const quietMs = now - this.lastByteAtMs;
			if (quietMs >= budgetIdleMs) this.releaseBudget?.();
			const received = expectedBytes > 0 ? `${this.receivedBytes} of ${expectedBytes} bytes` : `${this.receivedBytes} bytes`;
			if (quietMs >= idleMs) {
				this.stop(new DownloadStalledError(`The image download from ${this.url} stalled: no data for ${seconds(idleMs)} after ${received}`));
			} else if (now - this.startedAtMs - this.totalPausedMs >= totalMs) {
				this.stop(new DownloadStalledError(`The image download from ${this.url} took longer than ${seconds(totalMs)} (${received} arrived)`));
			}
		}
	}

	private stop(error: DownloadStalledError): void {
		this.done = true;
		this.stopped = error;
		this.releaseBudget?.();
		this.abort(error);
	}
}
