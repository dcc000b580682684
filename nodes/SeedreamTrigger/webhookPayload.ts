import { JOB_ID_PATTERN, JOB_ID_RULE, WEBHOOK_EVENTS } from '../shared/constants';
import type { ParsedJob } from '../shared/job';
import { parseJob } from '../shared/job';
import { boundedJobFields, staleDeliveryReason } from './deliveryFields';

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Deliveries carry a small JSON document; anything much larger is not from Apiframe. */
export const WEBHOOK_BODY_MAX_BYTES = 1024 * 1024;

export type PayloadOutcome =
	| { ok: true; event: WebhookEvent; job: ParsedJob }
	| { ok: false; status: number; reason: string };

export interface PayloadTrust {
	/** The signature over the raw body was checked: the body is Apiframe's; the headers never are. */
	signatureVerified: boolean;
	/** Now, for the age of the delivery (tests set it). */
	nowMs?: number;
}

/** The statuses a job may have when Apiframe sends each event, the usual first (CANCELLED is terminal like FAILED). */
const STATUSES_OF_EVENT: Record<WebhookEvent, readonly string[]> = {
	completed: ['COMPLETED'],
	failed: ['FAILED', 'CANCELLED'],
	progress: ['PROCESSING', 'QUEUED'],
};

function eventText(value: unknown): string | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	return typeof text === 'string' && text.trim() !== '' ? text.trim().toLowerCase() : undefined;
}

function isKnownEvent(event: string): event is WebhookEvent {
	return (WEBHOOK_EVENTS as readonly string[]).includes(event);
}

/** The job id from `jobId` (the webhook field) or `id` (the job object's): they must agree and look like an id. */
function readJobId(record: Record<string, unknown>): { jobId: string } | { reason: string } {
	const given = [record.jobId, record.id].filter((value) => value !== undefined && value !== null && value !== '');
	if (given.length === 0) return { reason: 'No jobId in the body' };
	if (given.length === 2 && given[0] !== given[1]) return { reason: 'The body\'s "jobId" and "id" disagree' };
	const [jobId] = given;
	if (typeof jobId !== 'string' || !JOB_ID_PATTERN.test(jobId)) {
		return { reason: `The jobId is not a job id (${JOB_ID_RULE})` };
	}
	return { jobId };
}

/**
 * Reads one delivery. Only the body is covered by the signature, so the event, job id and status
 * come from it (`event`, else `type`; `jobId`, else `id`; `status`); `result` may be a URL string
 * or `{images}`. X-Webhook-Event is a hint: when it disagrees with the body the delivery is
 * refused. A body without an event name may take the header's only when the signature was
 * verified, and then its status must say the same thing. Bad input gets the status to answer.
 */
export function parseWebhookPayload(rawBody: Buffer, eventHeader: unknown, trust: PayloadTrust): PayloadOutcome {
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
	const signedWord = trust.signatureVerified ? 'signed body' : 'body';
	const header = eventText(eventHeader);
	const bodyEvent = eventText(record.event) ?? eventText(record.type);
	if (header && bodyEvent && header !== bodyEvent) {
		return { ok: false, status: 400, reason: `X-Webhook-Event says "${header}" but the ${signedWord} says "${bodyEvent}"` };
	}
	if (!bodyEvent && !(header && trust.signatureVerified)) {
		const why = header ? ' (X-Webhook-Event alone is not trusted while signature checks are off)' : '';
		return { ok: false, status: 400, reason: `No event name in the body ("event" or "type")${why}` };
	}
	const event = (bodyEvent ?? header) as string;
	if (!isKnownEvent(event)) {
		// Answered 200 so that Apiframe does not retry an event this version does not know.
		return { ok: false, status: 200, reason: `Unknown event "${event}" ignored` };
	}
	const id = readJobId(record);
	if ('reason' in id) return { ok: false, status: 400, reason: id.reason };
	const status = eventText(record.status)?.toUpperCase();
	if (status === undefined && !bodyEvent) {
		// The event came from the (unsigned) header: the signed status must confirm it.
		return { ok: false, status: 400, reason: `No "status" in the ${signedWord} to confirm X-Webhook-Event "${event}"` };
	}
	if (status !== undefined && !STATUSES_OF_EVENT[event].includes(status)) {
		return { ok: false, status: 400, reason: `The ${signedWord}'s status "${status}" contradicts the event "${event}"` };
	}
	// Answered 200 like a duplicate: it ran when it was new, or its images are gone anyway.
	const stale = staleDeliveryReason(record, trust.nowMs ?? Date.now());
	if (stale) return { ok: false, status: 200, reason: stale };
	// A body that names its event but no status has the event's status (COMPLETED for `completed`,
	// so its images are downloaded): the event is signed like a status would be, and Apiframe's own
	// SDK reads the event. A `completed` without images then says so in the item (deliveryItems).
	const job = parseJob({ ...boundedJobFields(record), status: status ?? STATUSES_OF_EVENT[event][0] });
	return { ok: true, event, job: { ...job, jobId: id.jobId } };
}
