import {
	ApiframeHttpError,
	CancelledError,
	isNetworkError,
	isRetryable,
	parseRetryAfterMs,
	retryDelayMs,
	withRetry,
} from '../../../nodes/shared/retry';
import { setTimeScale } from '../../../nodes/shared/timing';

describe('the retry policy', () => {
	beforeAll(() => setTimeScale(0.001));
	afterAll(() => setTimeScale(1));

	it('reads Retry-After as seconds, decimals, or an HTTP date', () => {
		expect(parseRetryAfterMs('3')).toBe(3000);
		expect(parseRetryAfterMs('0.05')).toBe(50);
		expect(parseRetryAfterMs(['2'])).toBe(2000);
		const now = Date.parse('2026-11-24T10:00:00Z');
		expect(parseRetryAfterMs('Tue, 24 Nov 2026 10:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfterMs('soon')).toBeUndefined();
		expect(parseRetryAfterMs(undefined)).toBeUndefined();
	});

	it('backs off exponentially with jitter, capped, and lets Retry-After win', () => {
		setTimeScale(1);
		expect(retryDelayMs(1, undefined, () => 0)).toBe(250);
		expect(retryDelayMs(1, undefined, () => 1)).toBe(500);
		expect(retryDelayMs(3, undefined, () => 1)).toBe(2000);
		expect(retryDelayMs(20, undefined, () => 1)).toBe(30_000);
		expect(retryDelayMs(1, 4000, () => 0)).toBe(4000);
		setTimeScale(0.001);
	});

	it('retries 429, 5xx and dropped connections, never 400/401/402/403/404/409', () => {
		for (const status of [429, 500, 502, 503, 504]) expect(isRetryable(new ApiframeHttpError(status, {}, undefined, undefined))).toBe(true);
		for (const status of [400, 401, 402, 403, 404, 409]) expect(isRetryable(new ApiframeHttpError(status, {}, undefined, undefined))).toBe(false);
		expect(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
		expect(isNetworkError({ message: 'wrapped', cause: { message: 'socket hang up' } })).toBe(true);
		expect(isNetworkError(new Error('Invalid parameter'))).toBe(false);
		expect(isRetryable(new CancelledError())).toBe(false);
	});

	it('gives up after the last attempt and returns the first success', async () => {
		let calls = 0;
		const value = await withRetry(
			async () => {
				calls++;
				if (calls < 3) throw new ApiframeHttpError(503, {}, undefined, undefined);
				return 'ok';
			},
			{ idempotent: true },
		);
		expect(value).toBe('ok');
		expect(calls).toBe(3);

		calls = 0;
		await expect(
			withRetry(
				async () => {
					calls++;
					throw new ApiframeHttpError(503, {}, undefined, undefined);
				},
				{ idempotent: true, maxAttempts: 4 },
			),
		).rejects.toMatchObject({ statusCode: 503 });
		expect(calls).toBe(4);
	});

	it('never retries a request that could bill twice, nor a user error', async () => {
		let calls = 0;
		const failing = async () => {
			calls++;
			throw new ApiframeHttpError(503, {}, undefined, undefined);
		};
		await expect(withRetry(failing, { idempotent: false })).rejects.toBeInstanceOf(ApiframeHttpError);
		expect(calls).toBe(1);
		calls = 0;
		await expect(
			withRetry(
				async () => {
					calls++;
					throw new ApiframeHttpError(402, {}, undefined, undefined);
				},
				{ idempotent: true },
			),
		).rejects.toMatchObject({ statusCode: 402 });
		expect(calls).toBe(1);
	});

	it('stops waiting as soon as the execution is cancelled', async () => {
		const controller = new AbortController();
		setTimeScale(1);
		const started = Date.now();
		const pending = withRetry(
			async () => {
				throw new ApiframeHttpError(429, {}, 20_000, undefined);
			},
			{ idempotent: true, signal: controller.signal },
		);
		setTimeout(() => controller.abort(), 50);
		await expect(pending).rejects.toBeInstanceOf(CancelledError);
		expect(Date.now() - started).toBeLessThan(2000);
		setTimeScale(0.001);
	});
});
