import { TERMINAL_STATUSES } from './constants';

export type JobStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | string;

/** A job as the nodes use it, whatever shape (current or older docs) the API or a webhook sent. */
export interface ParsedJob {
	jobId: string;
	status: JobStatus;
	model?: string;
	progress?: number;
	error?: string;
	creditCost?: number;
	imageUrls: string[];
	expired: boolean;
	createdAt?: string;
	completedAt?: string;
}

function asString(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

function asNumber(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `result` is `{images: [...]}` in v2, a plain URL string in older docs, sometimes a bare array. */
export function imageUrlsOf(result: unknown): string[] {
	if (typeof result === 'string') return result === '' ? [] : [result];
	if (Array.isArray(result)) return result.filter((url): url is string => typeof url === 'string' && url !== '');
	if (result && typeof result === 'object') {
		const record = result as Record<string, unknown>;
		if (record.images !== undefined) return imageUrlsOf(record.images);
		if (record.image !== undefined) return imageUrlsOf(record.image);
		if (record.url !== undefined) return imageUrlsOf(record.url);
	}
	return [];
}

export function parseJob(raw: unknown): ParsedJob {
	const record = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
	const jobId = asString(record.id) ?? asString(record.jobId) ?? '';
	const error = record.error;
	return {
		jobId,
		status: (asString(record.status) ?? 'UNKNOWN').toUpperCase(),
		model: asString(record.model),
		progress: asNumber(record.progress),
		error: typeof error === 'string' ? error : error ? JSON.stringify(error) : undefined,
		creditCost: asNumber(record.creditCost),
		imageUrls: imageUrlsOf(record.result),
		expired: record.expired === true,
		createdAt: asString(record.createdAt),
		completedAt: asString(record.completedAt),
	};
}

export function isTerminal(status: JobStatus): boolean {
	return (TERMINAL_STATUSES as readonly string[]).includes(status);
}
