import { ConcurrencyWindow } from '../../../nodes/shared/concurrency';
import { durationKey, durationQuantileMs, forgetDurations, isWarm, recordDuration } from '../../../nodes/shared/jobDurations';
import type { PollState } from '../../../nodes/shared/pollSchedule';
import { nextPollAtMs } from '../../../nodes/shared/pollSchedule';
import { setTimeScale } from '../../../nodes/shared/timing';

const running = { jobId: 'j1', status: 'PROCESSING', imageUrls: [], expired: false };
const key = durationKey('acct', 'seedream-4.5', '2K');
const state = (extra: Partial<PollState>): PollState => ({
	nowMs: 0,
	job: running,
	sinceMs: 0,
	runningPolls: 0,
	warm: false,
	durationMs: (q) => durationQuantileMs(key, q),
	...extra,
});

describe('when the node looks at a job', () => {
	beforeAll(() => setTimeScale(1));
	beforeEach(() => forgetDurations());

	it('with no history: at 3, 7.5, 15, 19.5 and 27 s (fractions of Seedream’s documented 15 s) plus 2 %, then every 3.75 s', () => {
		const looks = [0, 1, 2, 3, 4].map((runningPolls) => nextPollAtMs(state({ runningPolls })));
		expect(looks).toEqual([3_300, 7_800, 15_300, 19_800, 27_300]);
		expect(nextPollAtMs(state({ nowMs: 27_100, lastPollAtMs: 27_100, runningPolls: 5 }))).toBe(30_850);
	});

	it('learns from finished jobs: the median, 80th and 95th percentile of their API-measured durations, plus 2 %', () => {
		for (const seconds of [10, 11, 12, 13, 14, 15, 16, 17, 18, 30]) recordDuration(key, seconds * 1000);
		expect(isWarm(key)).toBe(true);
		const warm = { warm: true };
		expect(nextPollAtMs(state({ ...warm }))).toBe(14_280);
		expect(nextPollAtMs(state({ ...warm, nowMs: 14_300, lastPollAtMs: 14_300, runningPolls: 1 }))).toBe(17_280);
		expect(nextPollAtMs(state({ ...warm, nowMs: 17_300, lastPollAtMs: 17_300, runningPolls: 2 }))).toBe(30_280);
	});

	it('progress does not matter: a job reporting none, or steps, is looked at the same', () => {
		const times = [undefined, 25, 75].map((progress) => nextPollAtMs(state({ job: { ...running, progress } })));
		expect(times).toEqual([3_300, 3_300, 3_300]);
	});

	it('while the limit is learned, a new job is looked at 0.3, 0.6, 1.2 s… after its submit until it is seen running', async () => {
		const window = new ConcurrencyWindow();
		const lease = await window.acquire(undefined);
		window.submitted(lease, 1_000);
		expect(nextPollAtMs(state({ nowMs: 1_000, sinceMs: 1_000, lease, window }))).toBe(1_300);
		lease.startChecks = 1;
		window.observe(lease, 'QUEUED', undefined, 1_300);
		expect(nextPollAtMs(state({ nowMs: 1_300, sinceMs: 1_000, lastPollAtMs: 1_300, lease, window }))).toBe(1_600);
		lease.startChecks = 2;
		window.observe(lease, 'QUEUED', undefined, 1_600);
		expect(nextPollAtMs(state({ nowMs: 1_600, sinceMs: 1_000, lastPollAtMs: 1_600, lease, window }))).toBe(2_200);
		lease.startChecks = 3;
		window.observe(lease, 'PROCESSING', 3, 2_200);
		// Seen running: the first of the cold looks, 3 s after it was last seen queued (it started after that).
		expect(nextPollAtMs(state({ nowMs: 2_200, sinceMs: 1_000, lastPollAtMs: 2_200, lease, window }))).toBe(4_900);
	});

	it('a job held behind two of ours is looked at when it should end, assumed to start within half a duration', async () => {
		const window = new ConcurrencyWindow();
		const [a, b, held] = [await window.acquire(undefined), await window.acquire(undefined), await window.acquire(undefined)];
		[a, b, held].forEach((lease, i) => window.submitted(lease, i * 100));
		window.observe(a, 'PROCESSING', 3, 500);
		window.observe(b, 'PROCESSING', 3, 600);
		window.observe(held, 'QUEUED', 0, 700);
		expect(held.held).toBe(false); // not yet twice as old as ours took to start (0.5 s)
		window.observe(held, 'QUEUED', 0, 1_300);
		expect(held.held).toBe(true);
		// a ends at 0 + 15 s, but others may free a place sooner: it is assumed to start within half a
		// duration (8.8 s) and to end a duration later; looked at 2 % after.
		expect(nextPollAtMs(state({ nowMs: 1_300, lastPollAtMs: 1_300, lease: held, window }))).toBe(1_300 + 7_500 + 15_000 + 300);
	});

	it('never past the poll budget of the account: 300 polls a minute for every job of it together', async () => {
		const window = new ConcurrencyWindow();
		window.setFixedLimit(10);
		const lease = await window.acquire(undefined);
		window.submitted(lease, 0);
		for (let i = 0; i < 300; i++) window.notePoll(10_000 + i * 10);
		// The 300th poll of the last minute was at 12.99 s: the next may go when the first of them is a minute old.
		expect(nextPollAtMs(state({ nowMs: 15_000, lastPollAtMs: 12_990, runningPolls: 2, lease, window }))).toBe(70_000);
		expect(window.pollAllowedAtMs(70_000)).toBe(70_000);
	});
});
