import {
	WEBHOOK_ERROR_ARRAY_MAX_ITEMS,
	WEBHOOK_ERROR_MAX_CHARS,
	WEBHOOK_FIELD_MAX_DEPTH,
	WEBHOOK_FIELD_MAX_NODES,
	WEBHOOK_MAX_AGE_MS,
	WEBHOOK_TEXT_MAX_CHARS,
} from '../shared/constants';
import { boundedCopy } from '../shared/secrets';

function cut(text: string, maxChars: number): string {
	return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

function text(value: unknown): unknown {
	return typeof value === 'string' ? cut(value, WEBHOOK_TEXT_MAX_CHARS) : value;
}

/** Apiframe's `error` is a text; anything else is shown as bounded JSON, never parsed past the bounds. */
function errorText(error: unknown): string | undefined {
	if (typeof error === 'string') return cut(error, WEBHOOK_ERROR_MAX_CHARS);
	if (!error) return undefined;
	const limits = { maxDepth: WEBHOOK_FIELD_MAX_DEPTH, maxNodes: WEBHOOK_FIELD_MAX_NODES, maxArrayItems: WEBHOOK_ERROR_ARRAY_MAX_ITEMS, maxStringChars: WEBHOOK_ERROR_MAX_CHARS };
	return cut(JSON.stringify(boundedCopy(error, limits)) ?? '', WEBHOOK_ERROR_MAX_CHARS);
}

/**
 * The job fields of a delivery that reach an item, each within bounds: a body of up to 1 MiB may
 * nest 500,000 levels deep, which no recursive reader (JSON.stringify, parseJob's result reader)
 * survives. Texts are cut, `error` and `result` are read at most WEBHOOK_FIELD_MAX_DEPTH deep,
 * and nothing else of the body is kept. The job id fields are checked on their own. The job the
 * API returns for Read Job From API goes through here too.
 */
export function boundedJobFields(raw: unknown): Record<string, unknown> {
	const record = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
	return {
		id: record.id,
		jobId: record.jobId,
		status: text(record.status),
		model: text(record.model),
		webhookStatus: text(record.webhookStatus),
		createdAt: text(record.createdAt),
		completedAt: text(record.completedAt),
		// parseJob keeps only finite numbers and `true` of these.
		progress: record.progress,
		creditCost: record.creditCost,
		expired: record.expired,
		error: errorText(record.error),
		result: boundedCopy(record.result, { maxDepth: WEBHOOK_FIELD_MAX_DEPTH, maxNodes: WEBHOOK_FIELD_MAX_NODES }),
	};
}

/**
 * Why a signed delivery is too old to run, or undefined. Its time is `completedAt`, else
 * `createdAt`: the contract's `completed` body has completedAt, `failed` and `progress` bodies
 * carry no time and no timestamp header exists, so those can be refused by the log only.
 */
export function staleDeliveryReason(record: Record<string, unknown>, nowMs: number): string | undefined {
	for (const field of ['completedAt', 'createdAt'] as const) {
		const value = record[field];
		const atMs = typeof value === 'string' ? Date.parse(value) : Number.NaN;
		if (Number.isNaN(atMs)) continue;
		if (nowMs - atMs <= WEBHOOK_MAX_AGE_MS) return undefined;
		const hours = WEBHOOK_MAX_AGE_MS / 3_600_000;
		return `Delivery of ${field} ${new Date(atMs).toISOString()} is more than ${hours} h old: a replay, not run`;
	}
	return undefined;
}
