import type { IExecuteFunctions } from 'n8n-workflow';

import { apiframeRequest } from '../../../nodes/shared/api';
import { RETRY_AFTER_MAX_MS } from '../../../nodes/shared/constants';
import { toNodeError } from '../../../nodes/shared/errors';
import { ApiframeHttpError, CancelledError, withRetry } from '../../../nodes/shared/retry';

const node = { id: 'n1', name: 'Seedream', type: 'seedream', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };

/** A hand-written stand-in answering every request with a 429 and this Retry-After. */
function rateLimitedContext(retryAfter: string, apiKey: string) {
	const sent: unknown[] = [];
	const ctx = {
		getCredentials: async () => ({ apiKey, baseUrl: 'https://api.apiframe.ai' }),
		getExecutionCancelSignal: () => undefined,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: unknown) => {
				sent.push(options);
				return { statusCode: 429, body: { error: 'Too many requests' }, headers: { 'retry-after': retryAfter, 'x-request-id': 'req-429' } };
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, sent };
}

describe('a Retry-After over the cap (2 minutes) is not waited out', () => {
	it('is 120 s', () => {
		expect(RETRY_AFTER_MAX_MS).toBe(120_000);
	});

	// Each case its own account: the 429 also pauses the account in this process (see submit.test.ts).
	it.each([
		{ what: '121 (one second over the cap)', retryAfter: '121', atLeastMs: 121_000, atMostMs: 121_000 },
		{ what: '86400 (a day)', retryAfter: '86400', atLeastMs: 86_400_000, atMostMs: 86_400_000 },
		// HTTP dates have whole seconds: 10 minutes ahead reads as just under 600 s.
		{ what: 'an HTTP date 10 minutes ahead', retryAfter: new Date(Date.now() + 600_000).toUTCString(), atLeastMs: 598_000, atMostMs: 600_000 },
	])('Retry-After: $what: one request, then the error the user reads', async ({ retryAfter, atLeastMs, atMostMs }) => {
		const { ctx, sent } = rateLimitedContext(retryAfter, `afk_unit_retry_after_${retryAfter}`);
		const started = Date.now();
		const error = await apiframeRequest(ctx, { method: 'GET', path: '/v2/jobs/job-1', idempotent: true }).catch((e: unknown) => e);
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(sent).toHaveLength(1);
		expect(error).toBeInstanceOf(ApiframeHttpError);
		expect(error).toMatchObject({ statusCode: 429 });
		const { retryAfterMs } = error as ApiframeHttpError;
		expect(retryAfterMs).toBeGreaterThanOrEqual(atLeastMs);
		expect(retryAfterMs).toBeLessThanOrEqual(atMostMs);
		const shown = toNodeError(node, error, { itemIndex: 0 });
		expect(shown.message).toBe('Apiframe kept answering "too many requests"');
		expect(shown.description).toBe('The account is rate limited. Run fewer items at once or try again in a minute.\nRequest ID: req-429');
	});

	it('exactly 120 s is still waited out: the retry is scheduled after it', async () => {
		const stop = new AbortController();
		let calls = 0;
		const delays: number[] = [];
		const outcome = withRetry(
			async () => {
				calls++;
				throw new ApiframeHttpError(429, {}, 120_000, undefined);
			},
			{
				idempotent: true,
				signal: stop.signal,
				// Ends the test's wait as soon as the retry is scheduled.
				onRetry: ({ delayMs }) => {
					delays.push(delayMs);
					stop.abort();
				},
			},
		);
		await expect(outcome).rejects.toBeInstanceOf(CancelledError);
		expect(calls).toBe(1);
		expect(delays).toHaveLength(1);
		expect(delays[0]).toBeGreaterThanOrEqual(120_000);
	});
});
