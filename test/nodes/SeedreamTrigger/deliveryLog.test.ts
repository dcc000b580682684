import type { IDataObject } from 'n8n-workflow';

import { deliveryLogBytes, isDuplicateDelivery } from '../../../nodes/SeedreamTrigger/deliveryLog';

type Saved = { seenDeliveries?: string[] };
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('the delivery log is bounded in entries and in bytes', () => {
	it('counts its bytes exactly as JSON', () => {
		for (const keys of [[], ['a:completed'], ['a:completed', 'bb:failed', 'c_-9:progress']]) {
			expect(deliveryLogBytes(keys)).toBe(jsonBytes(keys));
		}
	});

	it('with Apiframe\'s UUIDs, 2,000 entries fit (98,001 bytes): the entry cap binds', () => {
		const staticData: Saved = {};
		for (let i = 0; i < 2100; i++) isDuplicateDelivery(staticData, 'log-uuid', `${uuid(i)}:completed`);
		expect(staticData.seenDeliveries).toHaveLength(2000);
		expect(staticData.seenDeliveries![0]).toBe(`${uuid(100)}:completed`);
		expect(jsonBytes(staticData.seenDeliveries)).toBe(98_001);
	});

	it('with 64-character ids, the 128 KiB cap binds: 1,702 entries (131,055 bytes)', () => {
		const staticData: Saved = {};
		const id = (i: number) => `${'z'.repeat(60)}${String(i).padStart(4, '0')}`;
		for (let i = 0; i < 2100; i++) isDuplicateDelivery(staticData, 'log-long', `${id(i)}:completed`);
		expect(staticData.seenDeliveries).toHaveLength(1702);
		expect(staticData.seenDeliveries![0]).toBe(`${id(398)}:completed`);
		expect(jsonBytes(staticData.seenDeliveries)).toBe(131_055);
		// The oldest, forgotten, is let through again; the newest is still a duplicate.
		expect(isDuplicateDelivery(staticData, 'log-long', `${id(2099)}:completed`)).toBe(true);
	});

	it('drops saved entries that are not (job id, event) keys, whatever an older version stored', () => {
		const saved = { seenDeliveries: ['x'.repeat(200_000) + ':completed', 'no-event', 'a b:completed', 7, 'ok-1:completed', 'ok-2:exploded'] };
		expect(isDuplicateDelivery(saved as unknown as IDataObject, 'log-old', 'new:failed')).toBe(false);
		expect(saved.seenDeliveries).toEqual(['ok-1:completed', 'new:failed']);
		expect(isDuplicateDelivery({ seenDeliveries: 'not a list' }, 'log-odd', 'n:completed')).toBe(false);
	});
});
