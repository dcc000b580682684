import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { explainFinishedJob } from '../../../nodes/Seedream/actions/jobOutcome';
import { submitJob } from '../../../nodes/Seedream/actions/submit';
import { AccountState } from '../../../nodes/Seedream/jobRunner/account';
import { RateLimitPastDeadlineError } from '../../../nodes/shared/retry';

/** A hand-written stand-in for one function's unit test: answers every request with `answer`. */
function contextAnswering(answer: { statusCode: number; body: unknown }) {
	const sent: unknown[] = [];
	const ctx = {
		getCredentials: async () => ({ apiKey: 'afk_unit', baseUrl: 'https://api.apiframe.ai' }),
		getExecutionCancelSignal: () => undefined,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: unknown) => {
				sent.push(options);
				return { ...answer, headers: {} };
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, sent };
}

describe('submitting a row', () => {
	it('a 202 without jobId is a clear error, never a poll of /v2/jobs/undefined', async () => {
		const { ctx, sent } = contextAnswering({ statusCode: 202, body: { status: 'QUEUED' } });
		await expect(submitJob(ctx, { model: 'seedream-4.5', prompt: 'x' }, 'k-1')).rejects.toThrow(
			'Apiframe accepted the image request but its answer has no jobId: {"status":"QUEUED"}',
		);
		expect(sent).toHaveLength(1);
	});

	it('accepts `id` where `jobId` is missing', async () => {
		const { ctx } = contextAnswering({ statusCode: 202, body: { id: 'job-7', status: 'QUEUED' } });
		expect(await submitJob(ctx, { model: 'seedream-4.5', prompt: 'x' }, 'k-1')).toEqual({ jobId: 'job-7', status: 'QUEUED', idempotencyKey: 'k-1', sentAtMs: expect.any(Number) });
	});

	it('an answer that is already FAILED is a replay of a failed attempt: it tries the next keys, then says so', async () => {
		const { ctx, sent } = contextAnswering({ statusCode: 202, body: { jobId: 'job-f', status: 'FAILED' } });
		await expect(submitJob(ctx, { prompt: 'x' }, 'row-1')).rejects.toThrow('Seedream failed this row 3 times (jobs job-f, job-f, job-f)');
		expect(sent.map((options) => (options as { headers: Record<string, string> }).headers['Idempotency-Key'])).toEqual(['row-1', 'row-1-a2', 'row-1-a3']);
	});
});

describe("a 429's pause", () => {
	it('Retry-After: 86400 pauses the account for at most 2 minutes, and never past a row deadline', async () => {
		const gate = new AccountState().rateGate;
		gate.limited(86_400_000);
		const deadline = Date.now() + 1_000;
		const waiting = gate.wait(undefined, deadline);
		await expect(waiting).rejects.toBeInstanceOf(RateLimitPastDeadlineError);
		await expect(gate.wait(undefined, deadline)).rejects.toThrow(
			'Apiframe asked to wait 120 s (rate limit), longer than this item may still wait',
		);
	});
});

describe('a finished job', () => {
	const node = { id: 'n1', name: 'Seedream', type: 'seedream', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
	it('COMPLETED without images, when downloading, is an error naming the job', () => {
		const job = { jobId: 'job-9', status: 'COMPLETED', imageUrls: [], expired: false };
		expect(() => explainFinishedJob(node, job, 3, true)).toThrow(new NodeOperationError(node, 'Job job-9 is COMPLETED but Apiframe returned no image URLs'));
		expect(() => explainFinishedJob(node, job, 3, false)).not.toThrow();
	});
});
