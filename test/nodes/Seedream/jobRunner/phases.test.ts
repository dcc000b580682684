import { Window } from '../../../../nodes/Seedream/jobRunner/phases';
import type { OurJob } from '../../../../nodes/Seedream/jobRunner/phases';

const jobs = (n: number, status: string, submittedAtMs = 0): OurJob[] => Array.from({ length: n }, () => ({ submittedAtMs, status }));
/** Before any of ours started, QUEUED this long while others run is held (HELD_BEFORE_ANY_START_MS, unscaled). */
const BEFORE_ANY_START_MS = 1_000;
const take = async (window: Window, n: number) => await Promise.all(Array.from({ length: n }, () => window.slots.acquire(1, undefined)));

describe("the account's running-job window", () => {
	it('learning starts at 16 and grows fourfold when a look shows all 16 of ours running while rows wait', async () => {
		const window = new Window();
		expect(window.current).toEqual({ name: 'learning', jobs: 16 });
		await take(window, 16);
		const waiting = window.slots.acquire(1, undefined);
		expect(window.slots.waiting).toBe(1);
		expect(window.looked({ atMs: 500, ours: jobs(16, 'PROCESSING'), running: 16, othersActive: 3 }, BEFORE_ANY_START_MS)).toEqual([]);
		expect(window.current).toEqual({ name: 'learning', jobs: 64 });
		expect(window.capacity()).toBe(64);
		await waiting;
		expect(window.slots.inUse).toBe(17);
	});

	it('does not grow while one of ours is still QUEUED, nor with no row waiting', async () => {
		const window = new Window();
		await take(window, 16);
		window.looked({ atMs: 500, ours: [...jobs(15, 'PROCESSING'), ...jobs(1, 'QUEUED')], running: 15, othersActive: 0 }, BEFORE_ANY_START_MS);
		expect(window.current).toEqual({ name: 'learning', jobs: 16 });
		window.looked({ atMs: 1_000, ours: jobs(16, 'PROCESSING'), running: 16, othersActive: 0 }, BEFORE_ANY_START_MS);
		expect(window.current).toEqual({ name: 'learning', jobs: 16 });
	});

	it('a job of ours QUEUED at twice the median start delay, one of ours submitted no later running: K = the running count, plus a slack of ceil(0.2 K)', () => {
		const window = new Window();
		window.started(100);
		window.started(120);
		window.started(90);
		// At 150 ms the queued ones are not held yet (2 × 100 ms median).
		expect(window.looked({ atMs: 150, ours: [...jobs(10, 'PROCESSING'), ...jobs(6, 'QUEUED')], running: 10, othersActive: 0 }, BEFORE_ANY_START_MS)).toEqual([]);
		expect(window.current).toEqual({ name: 'learning', jobs: 16 });
		const held = window.looked({ atMs: 200, ours: [...jobs(10, 'PROCESSING'), ...jobs(6, 'QUEUED')], running: 10, othersActive: 0 }, BEFORE_ANY_START_MS);
		expect(held).toHaveLength(6);
		expect(window.current).toEqual({ name: 'known', limit: 10, source: 'counted' });
		expect(window.capacity()).toBe(12);
		// A later count that raced the queue (8 running) keeps the highest seen.
		window.looked({ atMs: 900, ours: [...jobs(8, 'PROCESSING', 500), ...jobs(2, 'QUEUED', 500)], running: 8, othersActive: 0 }, BEFORE_ANY_START_MS);
		expect(window.current).toEqual({ name: 'known', limit: 10, source: 'counted' });
	});

	it('ours all QUEUED behind others\' running jobs (another process): held after 1 s, K = the running count, capacity what the others leave', () => {
		const window = new Window();
		expect(window.looked({ atMs: 999, ours: jobs(16, 'QUEUED'), running: 10, othersActive: 16 }, BEFORE_ANY_START_MS)).toEqual([]);
		expect(window.current).toEqual({ name: 'learning', jobs: 16 });
		expect(window.looked({ atMs: 1_000, ours: jobs(16, 'QUEUED'), running: 10, othersActive: 16 }, BEFORE_ANY_START_MS)).toHaveLength(16);
		expect(window.current).toEqual({ name: 'known', limit: 10, source: 'counted' });
		expect(window.capacity()).toBe(1);
	});

	it('ours all QUEUED and nothing else running (a provider that starts jobs late) is never held', () => {
		const window = new Window();
		expect(window.looked({ atMs: 60_000, ours: jobs(16, 'QUEUED'), running: 0, othersActive: 0 }, BEFORE_ANY_START_MS)).toEqual([]);
		expect(window.current).toEqual({ name: 'learning', jobs: 16 });
	});

	it('known: what others keep running or queued comes off K + slack, at least 1', () => {
		const window = new Window();
		window.reported(10);
		expect(window.current).toEqual({ name: 'known', limit: 10, source: 'reported' });
		expect(window.capacity()).toBe(12);
		window.looked({ atMs: 0, ours: [], running: 5, othersActive: 5 }, BEFORE_ANY_START_MS);
		expect(window.capacity()).toBe(7);
		window.looked({ atMs: 0, ours: [], running: 10, othersActive: 20 }, BEFORE_ANY_START_MS);
		expect(window.capacity()).toBe(1);
		window.reported(Number.POSITIVE_INFINITY);
		expect(window.capacity()).toBe(Number.POSITIVE_INFINITY);
	});

	it('a reported limit is not replaced by a count; nothing reported changes nothing', () => {
		const window = new Window();
		window.reported(undefined);
		expect(window.current).toEqual({ name: 'learning', jobs: 16 });
		window.reported(25);
		window.started(100);
		window.looked({ atMs: 1_000, ours: [...jobs(1, 'PROCESSING'), ...jobs(1, 'QUEUED')], running: 20, othersActive: 19 }, BEFORE_ANY_START_MS);
		expect(window.current).toEqual({ name: 'known', limit: 25, source: 'reported' });
	});

	it('a 429 halves a learning window once per gap, and leaves a known limit alone', () => {
		const window = new Window();
		window.rateLimited(0, 5_000);
		expect(window.current).toEqual({ name: 'learning', jobs: 8 });
		window.rateLimited(4_999, 5_000);
		expect(window.current).toEqual({ name: 'learning', jobs: 8 });
		window.rateLimited(5_000, 5_000);
		expect(window.current).toEqual({ name: 'learning', jobs: 4 });
		window.reported(10);
		window.rateLimited(20_000, 5_000);
		expect(window.current).toEqual({ name: 'known', limit: 10, source: 'reported' });
	});
});
