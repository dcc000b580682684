import { CancelledError } from '../../../nodes/shared/retry';
import { StoreBudget } from '../../../nodes/shared/storeBudget';

const MiB = 1024 * 1024;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('image bytes stored at once in one process', () => {
	it('a 48 MiB budget stores two 23 MiB images at once; the third waits for one to be stored', async () => {
		const budget = new StoreBudget(48 * MiB);
		const granted: number[] = [];
		const releases = [1, 2, 3].map((n) => budget.acquire(23 * MiB, undefined).then((release) => (granted.push(n), release)));
		await settle();
		expect(granted).toEqual([1, 2]);
		(await releases[0])();
		await settle();
		expect(granted).toEqual([1, 2, 3]);
	});

	it('small images are not held back: 1,000 of 40 KB fit at once', async () => {
		const budget = new StoreBudget(48 * MiB);
		const all = await Promise.all(Array.from({ length: 1000 }, () => budget.acquire(40 * 1024, undefined)));
		expect(all).toHaveLength(1000);
	});

	it('a file larger than the budget is stored alone, and first come is first served', async () => {
		const budget = new StoreBudget(48 * MiB);
		const order: string[] = [];
		const small = await budget.acquire(1 * MiB, undefined);
		const huge = budget.acquire(60 * MiB, undefined).then((release) => (order.push('huge'), release));
		const after = budget.acquire(1 * MiB, undefined).then((release) => (order.push('after'), release));
		await settle();
		expect(order).toEqual([]);
		small();
		await settle();
		expect(order).toEqual(['huge']);
		(await huge)();
		await settle();
		expect(order).toEqual(['huge', 'after']);
		(await after)();
	});

	it("a user's Stop ends the wait, and the place goes to the next in line", async () => {
		const budget = new StoreBudget(48 * MiB);
		const first = await budget.acquire(40 * MiB, undefined);
		const stop = new AbortController();
		const stopped = budget.acquire(40 * MiB, stop.signal);
		const next = budget.acquire(8 * MiB, undefined);
		stop.abort();
		await expect(stopped).rejects.toBeInstanceOf(CancelledError);
		await expect(next).resolves.toBeInstanceOf(Function);
		first();
	});
});
