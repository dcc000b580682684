import type { IDataObject } from 'n8n-workflow';

/** How many (jobId, event) pairs each trigger remembers; older ones are forgotten first. */
export const DELIVERY_LOG_SIZE = 2_000;

// Deliveries racing each other within this process see each other here before either is saved.
const inFlight = new Set<string>();

export function deliveryKey(jobId: string, event: string): string {
	return `${jobId}:${event}`;
}

/**
 * Records a delivery in the trigger's workflow static data (which n8n saves for active
 * workflows) and answers whether it was seen before. Bounded: the log keeps the newest entries.
 */
export function isDuplicateDelivery(staticData: IDataObject, scope: string, key: string): boolean {
	const seen = (staticData.seenDeliveries as string[] | undefined) ?? [];
	const scopedKey = `${scope}:${key}`;
	if (seen.includes(key) || inFlight.has(scopedKey)) return true;
	inFlight.add(scopedKey);
	if (inFlight.size > DELIVERY_LOG_SIZE) inFlight.delete(inFlight.values().next().value as string);
	seen.push(key);
	staticData.seenDeliveries = seen.slice(-DELIVERY_LOG_SIZE);
	return false;
}
