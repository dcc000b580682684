import { WEBHOOK_EVENTS } from '../shared/constants';
import type { ParsedJob } from '../shared/job';
import { parseJob } from '../shared/job';

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Deliveries carry a small JSON document; anything much larger is not from Apiframe. */
export const WEBHOOK_BODY_MAX_BYTES = 1024 * 1024;

export type PayloadOutcome =
	| { ok: true; event: WebhookEvent; job: ParsedJob }
	| { ok: false; status: number; reason: string };

function headerText(value: unknown): string | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	return typeof text === 'string' && text.trim() !== '' ? text.trim().toLowerCase() : undefined;
}

/**
 * Reads one delivery. The event name comes from X-Webhook-Event first, then the body's `event`
 * or `type`; `result` may be a URL string or `{images}`. Bad input gets the status to answer.
 */
export function parseWebhookPayload(rawBody: Buffer, eventHeader: unknown): PayloadOutcome {
	if (rawBody.length > WEBHOOK_BODY_MAX_BYTES) {
		return { ok: false, status: 413, reason: `Body larger than ${WEBHOOK_BODY_MAX_BYTES} bytes` };
	}
	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return { ok: false, status: 400, reason: 'Body is not valid JSON' };
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return { ok: false, status: 400, reason: 'Body is not a JSON object' };
	}
	const record = body as Record<string, unknown>;
	const event = headerText(eventHeader) ?? headerText(record.event) ?? headerText(record.type);
	if (!event) return { ok: false, status: 400, reason: 'No event name (X-Webhook-Event header or "event" field)' };
	if (!(WEBHOOK_EVENTS as readonly string[]).includes(event)) {
		// Answered 200 so that Apiframe does not retry an event this version does not know.
		return { ok: false, status: 200, reason: `Unknown event "${event}" ignored` };
	}
	const job = parseJob(record);
	if (!job.jobId) return { ok: false, status: 400, reason: 'No jobId in the body' };
	return { ok: true, event: event as WebhookEvent, job };
}
