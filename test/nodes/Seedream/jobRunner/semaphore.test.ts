import { CancelledError } from '../../../../nodes/shared/retry';
import { Semaphore } from '../../../../nodes/shared/semaphore';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the weighted FIFO semaphore', () => {
	it('capacity 2: two granted, the third when one is released', async () => {
		const slots = new Semaphore(2);
		const granted: number[] = [];
		const releases = [1, 2, 3].map((n) => slots.acquire(1, undefined).then((release) => (granted.push(n), release)));
		await settle();
		expect(granted).toEqual([1, 2]);
		expect([slots.inUse, slots.waiting]).toEqual([2, 1]);
		(await releases[0])();
		(await releases[0])();
		await settle();
		expect(granted).toEqual([1, 2, 3]);
		expect(slots.inUse).toBe(2);
	});

	it('a larger capacity lets the waiting in at once, a smaller one holds the next back', async () => {
		const slots = new Semaphore(1);
		const first = await slots.acquire(1, undefined);
		const granted: number[] = [];
		[2, 3, 4].forEach((n) => void slots.acquire(1, undefined).then(() => granted.push(n)));
		slots.setCapacity(3);
		await settle();
		expect(granted).toEqual([2, 3]);
		slots.setCapacity(1);
		first();
		await settle();
		expect(granted).toEqual([2, 3]);
		expect(slots.inUse).toBe(2);
	});

	it("a caller's own cap: with capacity 10 and a cap of 2, the third waits, and rows behind it wait their turn", async () => {
		const slots = new Semaphore(10);
		const a = await slots.acquire(1, undefined, 2);
		await slots.acquire(1, undefined, 2);
		const order: string[] = [];
		const capped = slots.acquire(1, undefined, 2).then((release) => (order.push('capped'), release));
		void slots.acquire(1, undefined).then(() => order.push('uncapped'));
		await settle();
		expect(order).toEqual([]);
		a();
		await capped;
		await settle();
		expect(order).toEqual(['capped', 'uncapped']);
		expect(slots.inUse).toBe(3);
	});

	it("a weight over the capacity is granted alone; a Stop ends a wait and the next in line moves up", async () => {
		const slots = new Semaphore(48);
		const small = await slots.acquire(40, undefined);
		const stop = new AbortController();
		const stopped = slots.acquire(60, stop.signal);
		const next = slots.acquire(8, undefined);
		stop.abort();
		await expect(stopped).rejects.toBeInstanceOf(CancelledError);
		const released = await next;
		expect(slots.inUse).toBe(48);
		small();
		released();
		const alone = await slots.acquire(60, undefined);
		expect(slots.inUse).toBe(60);
		alone();
	});
});
