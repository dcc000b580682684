import type { IDataObject } from 'n8n-workflow';

import { DELIVERY_LOG_MAX_BYTES, DELIVERY_LOG_MAX_ENTRIES, JOB_ID_PATTERN, WEBHOOK_EVENTS } from '../shared/constants';

/** How many deliveries (jobId, event, and progress for `progress`) each trigger remembers; older ones are forgotten first. */
export const DELIVERY_LOG_SIZE = DELIVERY_LOG_MAX_ENTRIES;
/** Static-data copies of recent webhook calls kept in step with the log (see below). */
const LIVE_COPIES = 32;

interface ScopeLog {
	keys: string[];
	known: Set<string>;
	/** The log's size as JSON in static data: `["a","b"]` is 2 + Σ(length + 2) + commas. */
	bytes: number;
	liveCopies: IDataObject[];
}

const logs = new Map<string, ScopeLog>();

/**
 * What makes a delivery the same as another: its job and event, and for `progress` its value
 * too, since a job reports 25, 50 and 75 as separate deliveries (`j1:progress:50`). A progress
 * value outside 0–100 is kept out of the key, so one such delivery per job runs.
 */
export function deliveryKey(jobId: string, event: string, progress?: number): string {
	const known = event === 'progress' && progress !== undefined && progress >= 0 && progress <= 100;
	return known ? `${jobId}:${event}:${Number(progress.toFixed(2))}` : `${jobId}:${event}`;
}

const PROGRESS_SUFFIX = /^\d{1,3}(\.\d{1,2})?$/;

/** Keys are built from checked job ids, known events and numbers (ASCII), so characters are bytes. */
function isValidKey(key: unknown): key is string {
	if (typeof key !== 'string') return false;
	const [jobId, event, progress, ...rest] = key.split(':');
	if (rest.length > 0 || !JOB_ID_PATTERN.test(jobId) || !(WEBHOOK_EVENTS as readonly string[]).includes(event)) return false;
	return progress === undefined || (event === 'progress' && PROGRESS_SUFFIX.test(progress));
}

/** The bytes of the log as JSON, the way n8n stores static data. */
export function deliveryLogBytes(keys: string[]): number {
	return keys.length === 0 ? 2 : 2 + keys.reduce((sum, key) => sum + key.length + 2, 0) + keys.length - 1;
}

function entryBytes(key: string, log: ScopeLog): number {
	return key.length + 2 + (log.keys.length > 0 ? 1 : 0);
}

function forgetOldest(log: ScopeLog): void {
	const oldest = log.keys.shift() as string;
	log.known.delete(oldest);
	log.bytes -= oldest.length + 2 + (log.keys.length > 0 ? 1 : 0);
}

function remember(log: ScopeLog, key: string): void {
	if (log.known.has(key)) return;
	log.bytes += entryBytes(key, log);
	log.known.add(key);
	log.keys.push(key);
	while (log.keys.length > DELIVERY_LOG_MAX_ENTRIES || log.bytes > DELIVERY_LOG_MAX_BYTES) forgetOldest(log);
}

/**
 * Records a delivery and answers whether it was seen before. The log lives in this process (so
 * deliveries racing each other see each other) and in the trigger's workflow static data, which
 * n8n saves after each webhook call so the log outlives a restart. Each call gets its own copy of
 * the static data and the last save wins, so every recent copy is kept holding the whole log.
 * The log is bounded in entries and in bytes; saved entries that are not well-formed keys (an
 * older version stored unchecked job ids) are dropped on load.
 */
export function isDuplicateDelivery(staticData: IDataObject, scope: string, key: string): boolean {
	let log = logs.get(scope);
	if (!log) {
		log = { keys: [], known: new Set(), bytes: 2, liveCopies: [] };
		logs.set(scope, log);
	}
	const saved = Array.isArray(staticData.seenDeliveries) ? (staticData.seenDeliveries as unknown[]) : [];
	for (const entry of saved) if (isValidKey(entry)) remember(log, entry);
	if (log.known.has(key)) return true;
	remember(log, key);
	log.liveCopies = [staticData, ...log.liveCopies.filter((copy) => copy !== staticData)].slice(0, LIVE_COPIES);
	for (const copy of log.liveCopies) copy.seenDeliveries = [...log.keys];
	return false;
}
