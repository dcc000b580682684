import { isDuplicateDelivery } from '../../../nodes/SeedreamTrigger/deliveryLog';
import { parseWebhookPayload, WEBHOOK_BODY_MAX_BYTES } from '../../../nodes/SeedreamTrigger/webhookPayload';

const raw = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const signed = { signatureVerified: true };
const unsigned = { signatureVerified: false };

describe('reading a webhook delivery', () => {
	it('reads a completed delivery with result as {images} or as a URL string', () => {
		const withImages = parseWebhookPayload(raw({ event: 'completed', jobId: 'j1', status: 'COMPLETED', result: { images: ['https://cdn/j1-1.png'] }, creditCost: 4 }), 'completed', signed);
		expect(withImages).toMatchObject({ ok: true, event: 'completed', job: { jobId: 'j1', imageUrls: ['https://cdn/j1-1.png'], creditCost: 4 } });
		const withString = parseWebhookPayload(raw({ jobId: 'j2', status: 'COMPLETED', result: 'https://cdn/j2-1.jpg' }), 'completed', signed);
		expect(withString).toMatchObject({ ok: true, job: { imageUrls: ['https://cdn/j2-1.jpg'] } });
	});

	it('takes the event from the body ("event", then "type"); the header may only agree', () => {
		expect(parseWebhookPayload(raw({ event: 'progress', jobId: 'j' }), 'PROGRESS', signed)).toMatchObject({ ok: true, event: 'progress' });
		expect(parseWebhookPayload(raw({ type: 'progress', jobId: 'j', progress: 40 }), undefined, unsigned)).toMatchObject({ ok: true, event: 'progress', job: { progress: 40 } });
		expect(parseWebhookPayload(raw({ event: 'progress', jobId: 'j', status: 'PROCESSING' }), 'completed', signed)).toEqual({
			ok: false,
			status: 400,
			reason: 'X-Webhook-Event says "completed" but the signed body says "progress"',
		});
		expect(parseWebhookPayload(raw({ type: 'failed', jobId: 'j' }), 'completed', unsigned)).toEqual({
			ok: false,
			status: 400,
			reason: 'X-Webhook-Event says "completed" but the body says "failed"',
		});
	});

	it('answers bad input with a status and a reason', () => {
		expect(parseWebhookPayload(raw('{not json'), 'completed', signed)).toEqual({ ok: false, status: 400, reason: 'Body is not valid JSON' });
		expect(parseWebhookPayload(raw([1, 2]), 'completed', signed)).toMatchObject({ ok: false, status: 400 });
		expect(parseWebhookPayload(raw({ status: 'COMPLETED' }), 'completed', signed)).toEqual({ ok: false, status: 400, reason: 'No jobId in the body' });
		expect(parseWebhookPayload(raw({ jobId: 'j' }), undefined, signed)).toMatchObject({ ok: false, status: 400 });
		expect(parseWebhookPayload(raw({ jobId: 'j' }), 'exploded', signed)).toMatchObject({ ok: false, status: 200, reason: 'Unknown event "exploded" ignored' });
		expect(parseWebhookPayload(Buffer.alloc(WEBHOOK_BODY_MAX_BYTES + 1, 32), 'completed', signed)).toMatchObject({ ok: false, status: 413 });
	});
});

describe('the delivery log', () => {
	it('lets each (jobId, event) through once and stays bounded', () => {
		const staticData = {};
		expect(isDuplicateDelivery(staticData, 'wf-a', 'j1:completed')).toBe(false);
		expect(isDuplicateDelivery(staticData, 'wf-a', 'j1:completed')).toBe(true);
		expect(isDuplicateDelivery(staticData, 'wf-a', 'j1:failed')).toBe(false);
		const fresh = {};
		for (let i = 0; i < 2100; i++) isDuplicateDelivery(fresh, 'wf-b', `job${i}:completed`);
		expect((fresh as { seenDeliveries: string[] }).seenDeliveries).toHaveLength(2000);
	});

	it('keeps every concurrent call\'s copy of the static data holding the whole log', () => {
		const first: { seenDeliveries?: string[] } = {};
		const second: { seenDeliveries?: string[] } = {};
		expect(isDuplicateDelivery(first, 'wf-c', 'a:completed')).toBe(false);
		expect(isDuplicateDelivery(second, 'wf-c', 'b:completed')).toBe(false);
		// Whichever copy n8n saves last, both deliveries are in it.
		expect(first.seenDeliveries).toEqual(['a:completed', 'b:completed']);
		expect(second.seenDeliveries).toEqual(['a:completed', 'b:completed']);
	});

	it('after a restart, the saved log alone recognises a duplicate', () => {
		const saved = { seenDeliveries: ['old-job:completed'] };
		expect(isDuplicateDelivery({ ...saved }, 'wf-after-restart', 'old-job:completed')).toBe(true);
		expect(isDuplicateDelivery({ ...saved }, 'wf-after-restart', 'new-job:completed')).toBe(false);
	});
});
