import { deliveryKey, isDuplicateDelivery } from '../../../nodes/SeedreamTrigger/deliveryLog';
import { parseWebhookPayload } from '../../../nodes/SeedreamTrigger/webhookPayload';

const raw = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const NOW_MS = Date.parse('2026-07-01T12:00:00.000Z');
const signed = { signatureVerified: true, nowMs: NOW_MS };
const DAY_MS = 24 * 60 * 60_000;

describe('progress deliveries are told apart by their progress', () => {
	it('keys progress by its value; other events by job and event only', () => {
		expect(deliveryKey('j1', 'progress', 25)).toBe('j1:progress:25');
		expect(deliveryKey('j1', 'progress', 33.333)).toBe('j1:progress:33.33');
		expect(deliveryKey('j1', 'progress', undefined)).toBe('j1:progress');
		expect(deliveryKey('j1', 'progress', 250)).toBe('j1:progress');
		expect(deliveryKey('j1', 'completed', 100)).toBe('j1:completed');
	});

	it('25, 50 and 75 of one job each run once; the log saved keeps them and drops malformed ones', () => {
		const staticData: { seenDeliveries?: string[] } = {};
		expect([25, 50, 75, 50].map((p) => isDuplicateDelivery(staticData, 'progress-a', deliveryKey('j1', 'progress', p)))).toEqual([false, false, false, true]);
		expect(staticData.seenDeliveries).toEqual(['j1:progress:25', 'j1:progress:50', 'j1:progress:75']);
		const saved = { seenDeliveries: ['j2:progress:25', 'j2:progress:12.5', 'j2:completed:25', 'j2:progress:abc', 'j2:progress:25:1', 'j2:progress'] };
		expect(isDuplicateDelivery(saved, 'progress-b', 'j2:failed')).toBe(false);
		expect(saved.seenDeliveries).toEqual(['j2:progress:25', 'j2:progress:12.5', 'j2:progress', 'j2:failed']);
	});
});

describe('a body without status takes its event\'s', () => {
	it.each([
		['completed', 'COMPLETED'],
		['failed', 'FAILED'],
		['progress', 'PROCESSING'],
	])('%s → %s', (event, status) => {
		const outcome = parseWebhookPayload(raw({ event, jobId: 'j1', result: { images: ['https://cdn2.apiframe.ai/images/j1-1.png'] } }), undefined, signed);
		expect(outcome).toMatchObject({ ok: true, event, job: { jobId: 'j1', status } });
	});
});

describe('what a delivery echoes into an item is bounded', () => {
	it('a 20,000-deep error becomes a short text; a 20,000-deep result no URL', () => {
		const deepError = `{"event":"failed","jobId":"j1","status":"FAILED","error":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
		expect(parseWebhookPayload(raw(deepError), undefined, signed)).toEqual({
			ok: true,
			event: 'failed',
			job: { jobId: 'j1', status: 'FAILED', error: '[[[[[[[[[]]]]]]]]]', imageUrls: [], expired: false },
		});
		const deepResult = `{"event":"completed","jobId":"j1","result":${'{"images":'.repeat(20_000)}["https://cdn2.apiframe.ai/x.png"]${'}'.repeat(20_000)}}`;
		expect(parseWebhookPayload(raw(deepResult), undefined, signed)).toMatchObject({ ok: true, job: { status: 'COMPLETED', imageUrls: [] } });
	});

	it('cuts the error at 2,000 characters, other texts at 200, and arrays in an error object at 100', () => {
		const outcome = parseWebhookPayload(raw({ event: 'failed', jobId: 'j1', error: 'e'.repeat(5_000), model: 'm'.repeat(1_000), createdAt: 'c'.repeat(300) }), undefined, signed);
		expect(outcome).toMatchObject({ ok: true, job: { error: `${'e'.repeat(2_000)}…`, model: `${'m'.repeat(200)}…`, createdAt: `${'c'.repeat(200)}…` } });
		const list = parseWebhookPayload(raw({ event: 'failed', jobId: 'j1', error: { codes: Array.from({ length: 500 }, (_, i) => i) } }), undefined, signed);
		expect(list.ok && list.job.error).toBe(JSON.stringify({ codes: Array.from({ length: 100 }, (_, i) => i) }));
	});
});

describe('a signed delivery older than 24 h is not run (answered 200)', () => {
	const completed = (completedAt: unknown, extra: object = {}) =>
		parseWebhookPayload(raw({ event: 'completed', jobId: 'j1', status: 'COMPLETED', completedAt, ...extra }), undefined, signed);

	it('by completedAt, else createdAt', () => {
		expect(completed(new Date(NOW_MS - DAY_MS - 1).toISOString())).toEqual({
			ok: false,
			status: 200,
			reason: 'Delivery of completedAt 2026-06-30T11:59:59.999Z is more than 24 h old: a replay, not run',
		});
		expect(completed(new Date(NOW_MS - DAY_MS).toISOString())).toMatchObject({ ok: true });
		expect(completed(undefined, { createdAt: '2026-06-01T00:00:00Z' })).toEqual({
			ok: false,
			status: 200,
			reason: 'Delivery of createdAt 2026-06-01T00:00:00.000Z is more than 24 h old: a replay, not run',
		});
		// completedAt is the delivery's time when both are given: a job created yesterday may finish today.
		expect(completed(new Date(NOW_MS - 60_000).toISOString(), { createdAt: '2026-06-01T00:00:00Z' })).toMatchObject({ ok: true });
	});

	it('a body without a readable time (failed and progress carry none) is left to the log', () => {
		expect(completed('yesterday-ish')).toMatchObject({ ok: true });
		expect(completed(12345)).toMatchObject({ ok: true });
		expect(parseWebhookPayload(raw({ event: 'failed', jobId: 'j1', status: 'FAILED', error: 'x' }), undefined, signed)).toMatchObject({ ok: true });
	});
});
