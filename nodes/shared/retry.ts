import { sleep } from 'n8n-workflow';

import {
	RETRY_AFTER_MAX_MS,
	RETRY_BASE_MS,
	RETRY_MAX_ATTEMPTS,
	RETRY_MAX_MS,
} from './constants';
import { scaledMs } from './timing';

/** An HTTP answer the API gave with a non-2xx status, kept whole so callers can explain it. */
export class ApiframeHttpError extends Error {
	constructor(
		readonly statusCode: number,
		readonly body: unknown,
		readonly retryAfterMs: number | undefined,
		readonly requestId: string | undefined,
	) {
		super(`Apiframe answered HTTP ${statusCode}`);
		this.name = 'ApiframeHttpError';
	}
}

/** Raised when the user stops the execution while we wait; never retried. */
export class CancelledError extends Error {
	constructor() {
		super('The execution was cancelled');
		this.name = 'CancelledError';
	}
}

/** The account is paused (429) past the row's deadline: the row ends now instead of waiting in vain. */
export class RateLimitPastDeadlineError extends Error {
	constructor(readonly pauseMs: number) {
		super(`Apiframe asked to wait ${Math.ceil(pauseMs / 1000)} s (rate limit), longer than this item may still wait`);
		this.name = 'RateLimitPastDeadlineError';
	}
}

const NETWORK_ERROR_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'ERR_STREAM_PREMATURE_CLOSE',
	'UND_ERR_SOCKET',
]);
const NETWORK_ERROR_TEXT = /socket hang up|ECONNRESET|ETIMEDOUT|ECONNREFUSED|timeout of \d+ms exceeded|network error|aborted|premature close/i;

export function isRetryableStatus(statusCode: number): boolean {
	return statusCode === 408 || statusCode === 425 || statusCode === 429 || statusCode >= 500;
}

/** n8n wraps transport errors in NodeApiError; the original code may sit one or two levels down. */
export function isNetworkError(error: unknown): boolean {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as { code?: unknown; message?: unknown; cause?: unknown; httpCode?: unknown };
		if (typeof candidate.code === 'string' && NETWORK_ERROR_CODES.has(candidate.code)) return true;
		if (typeof candidate.httpCode === 'string' && NETWORK_ERROR_CODES.has(candidate.httpCode)) return true;
		if (typeof candidate.message === 'string' && NETWORK_ERROR_TEXT.test(candidate.message)) return true;
		current = candidate.cause;
	}
	return false;
}

/** Retry-After is seconds (decimals tolerated) or an HTTP date. */
export function parseRetryAfterMs(value: unknown, nowMs = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const seconds = Number(text);
	if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
	const dateMs = Date.parse(String(text));
	if (Number.isNaN(dateMs)) return undefined;
	return Math.max(0, dateMs - nowMs);
}

/** Capped exponential backoff with equal jitter; the server's Retry-After wins when given. */
export function retryDelayMs(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
	if (retryAfterMs !== undefined) return retryAfterMs + Math.round(random() * scaledMs(RETRY_BASE_MS) * 0.2);
	const ceiling = Math.min(scaledMs(RETRY_MAX_MS), scaledMs(RETRY_BASE_MS) * 2 ** Math.max(0, attempt - 1));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new CancelledError();
}

/** Waits, but wakes up (and throws) as soon as the user cancels the execution. */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	throwIfCancelled(signal);
	if (!signal) return await sleep(ms);
	// n8n-workflow's sleep ignores its signal on 1.x (and 2.x before 2.34): race it against the abort.
	let onAbort = (): void => undefined;
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		// Where sleep does honour the signal it rejects with the abort reason: the check below says CancelledError.
		await Promise.race([sleep(ms, signal).catch(() => undefined), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
	throwIfCancelled(signal);
}

export interface RetryOptions {
	signal?: AbortSignal;
	maxAttempts?: number;
	/** Only requests that cannot bill twice may be retried (GET, or POST with an Idempotency-Key). */
	idempotent: boolean;
	/** No retry is scheduled past this moment (epoch ms): the row's own timeout. */
	deadlineAtMs?: number;
	onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export function isRetryable(error: unknown): boolean {
	if (error instanceof CancelledError) return false;
	if (error instanceof ApiframeHttpError) return isRetryableStatus(error.statusCode);
	return isNetworkError(error);
}

/** The project's one retry policy: network errors, 408/425/429 and 5xx, for idempotent requests only. */
export async function withRetry<T>(run: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
	const maxAttempts = options.maxAttempts ?? RETRY_MAX_ATTEMPTS;
	for (let attempt = 1; ; attempt++) {
		throwIfCancelled(options.signal);
		const outcome = await run(attempt).then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (outcome.ok) return outcome.value;
		const { error } = outcome;
		throwIfCancelled(options.signal);
		if (!options.idempotent || attempt >= maxAttempts || !isRetryable(error)) throw error;
		const retryAfterMs = error instanceof ApiframeHttpError ? error.retryAfterMs : undefined;
		if (retryAfterMs !== undefined && retryAfterMs > RETRY_AFTER_MAX_MS) throw error;
		const delayMs = retryDelayMs(attempt, retryAfterMs);
		if (options.deadlineAtMs !== undefined && Date.now() + delayMs > options.deadlineAtMs) throw error;
		options.onRetry?.({ attempt, delayMs, error });
		await pause(delayMs, options.signal);
	}
}
