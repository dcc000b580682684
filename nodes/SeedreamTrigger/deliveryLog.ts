import type { IDataObject } from 'n8n-workflow';

/** How many (jobId, event) pairs each trigger remembers; older ones are forgotten first. */
export const DELIVERY_LOG_SIZE = 2_000;
/** Static-data copies of recent webhook calls kept in step with the log (see below). */
const LIVE_COPIES = 32;

interface ScopeLog {
	keys: string[];
	known: Set<string>;
	liveCopies: IDataObject[];
}

const logs = new Map<string, ScopeLog>();

export function deliveryKey(jobId: string, event: string): string {
	return `${jobId}:${event}`;
}

function remember(log: ScopeLog, key: string): void {
	if (log.known.has(key)) return;
	log.known.add(key);
	log.keys.push(key);
	while (log.keys.length > DELIVERY_LOG_SIZE) log.known.delete(log.keys.shift() as string);
}

/**
 * Records a delivery and answers whether it was seen before. The log lives in this process (so
 * deliveries racing each other see each other) and in the trigger's workflow static data, which
 * n8n saves after each webhook call so the log outlives a restart. Each call gets its own copy of
 * the static data and the last save wins, so every recent copy is kept holding the whole log.
 */
export function isDuplicateDelivery(staticData: IDataObject, scope: string, key: string): boolean {
	let log = logs.get(scope);
	if (!log) {
		log = { keys: [], known: new Set(), liveCopies: [] };
		logs.set(scope, log);
	}
	for (const saved of (staticData.seenDeliveries as string[] | undefined) ?? []) remember(log, saved);
	if (log.known.has(key)) return true;
	remember(log, key);
	log.liveCopies = [staticData, ...log.liveCopies.filter((copy) => copy !== staticData)].slice(0, LIVE_COPIES);
	for (const copy of log.liveCopies) copy.seenDeliveries = [...log.keys];
	return false;
}
