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

	it('with no history: at 3, 7.5, 15, 19.5 and 27 s (fractions of Seedream’s documented 15 s) plus 1 %, then every 3.75 s', () => {
		const looks = [0, 1, 2, 3, 4].map((runningPolls) => nextPollAtMs(state({ runningPolls })));
		expect(looks).toEqual([3_150, 7_650, 15_150, 19_650, 27_150]);
		expect(nextPollAtMs(state({ nowMs: 27_100, lastPollAtMs: 27_100, runningPolls: 5 }))).toBe(30_850);
	});

	it('learns from finished jobs: the median, 80th and 95th percentile of their API-measured durations, plus 1 %', () => {
		for (const seconds of [10, 11, 12, 13, 14, 15, 16, 17, 18, 30]) recordDuration(key, seconds * 1000);
		expect(isWarm(key)).toBe(true);
		const warm = { warm: true };
		expect(nextPollAtMs(state({ ...warm }))).toBe(14_140);
		expect(nextPollAtMs(state({ ...warm, nowMs: 14_300, lastPollAtMs: 14_300, runningPolls: 1 }))).toBe(17_140);
		expect(nextPollAtMs(state({ ...warm, nowMs: 17_300, lastPollAtMs: 17_300, runningPolls: 2 }))).toBe(30_140);
	});

	it('progress does not matter: a job reporting none, or steps, is looked at the same', () => {
		const times = [undefined, 25, 75].map((progress) => nextPollAtMs(state({ job: { ...running, progress } })));
		expect(times).toEqual([3_150, 3_150, 3_150]);
	});

	it('while the limit is learned, a new job is looked at 0.2, 0.4, 0.8 s… after its submit until it is seen running', async () => {
		const window = new ConcurrencyWindow();
		const lease = await window.acquire(undefined);
		window.submitted(lease, 1_000);
		expect(nextPollAtMs(state({ nowMs: 1_000, sinceMs: 1_000, lease, window }))).toBe(1_200);
		lease.startChecks = 1;
		window.observe(lease, 'QUEUED', undefined, 1_200);
		expect(nextPollAtMs(state({ nowMs: 1_200, sinceMs: 1_000, lastPollAtMs: 1_200, lease, window }))).toBe(1_400);
		lease.startChecks = 2;
		window.observe(lease, 'QUEUED', undefined, 1_400);
		expect(nextPollAtMs(state({ nowMs: 1_400, sinceMs: 1_000, lastPollAtMs: 1_400, lease, window }))).toBe(1_800);
		lease.startChecks = 3;
		window.observe(lease, 'PROCESSING', 3, 1_800);
		// Seen running: the first of the cold looks, 3 s after its submit. Durations are the API's
		// created → completed, a short wait in QUEUED included, so they count from the submit.
		expect(nextPollAtMs(state({ nowMs: 1_800, sinceMs: 1_000, lastPollAtMs: 1_800, lease, window }))).toBe(4_150);
	});

	async function heldBehindTwo() {
		const window = new ConcurrencyWindow();
		const [a, b, held] = [await window.acquire(undefined), await window.acquire(undefined), await window.acquire(undefined)];
		[a, b, held].forEach((lease, i) => window.submitted(lease, i * 100));
		window.observe(a, 'PROCESSING', 3, 500);
		window.observe(b, 'PROCESSING', 3, 600);
		window.observe(held, 'QUEUED', 0, 700);
		expect(held.held).toBe(false); // not yet twice as old as ours took to start (0.5 s)
		window.observe(held, 'QUEUED', 0, 1_300);
		expect(held.held).toBe(true);
		return { window, held };
	}

	it('a job held behind two of ours is looked at when it should end, assumed to start within half a duration', async () => {
		for (let i = 0; i < 3; i++) recordDuration(key, 15_000);
		const { window, held } = await heldBehindTwo();
		// a ends at 0 + 15 s, but others may free a place sooner: it is assumed to start within half a
		// duration (8.8 s) and to end a duration later; looked at 1 % after.
		expect(nextPollAtMs(state({ nowMs: 1_300, lastPollAtMs: 1_300, lease: held, window, warm: true }))).toBe(1_300 + 7_500 + 15_000 + 150);
		expect(held.predictedStartMs).toBe(15_000);
	});

	it('before any duration is known, a held job is looked at 3 s on (jobs may be far quicker than 15 s)', async () => {
		const { window, held } = await heldBehindTwo();
		expect(nextPollAtMs(state({ nowMs: 1_300, lastPollAtMs: 1_300, lease: held, window }))).toBe(1_300 + 3_000 + 150);
	});

	it('a held job seen running counts its duration from its predicted start, not from when it was last seen waiting', async () => {
		for (let i = 0; i < 3; i++) recordDuration(key, 15_000);
		const { window, held } = await heldBehindTwo();
		nextPollAtMs(state({ nowMs: 1_300, lastPollAtMs: 1_300, lease: held, window, warm: true }));
		window.observe(held, 'PROCESSING', 40, 23_950);
		// It started when a ended (15 s): its 80th percentile look is at 15 + 15 s, not at 1.3 + 15 s.
		expect(nextPollAtMs(state({ nowMs: 23_950, lastPollAtMs: 23_950, runningPolls: 1, lease: held, window, warm: true }))).toBe(30_150);
	});

	it("a job the account's list no longer shows running is looked at now, yet not twice within a second", async () => {
		const window = new ConcurrencyWindow();
		window.setFixedLimit(10);
		const lease = await window.acquire(undefined);
		window.submitted(lease, 0);
		lease.endLikely = true;
		expect(nextPollAtMs(state({ nowMs: 6_000, lastPollAtMs: 3_150, runningPolls: 1, lease, window }))).toBe(6_000);
		expect(nextPollAtMs(state({ nowMs: 6_000, lastPollAtMs: 5_500, runningPolls: 1, lease, window }))).toBe(6_500);
	});

	it('never past the poll budget of the account: 150 polls at once, then 300 a minute for every job of it together, never a stop until the minute is over', async () => {
		const window = new ConcurrencyWindow();
		window.setFixedLimit(10);
		const lease = await window.acquire(undefined);
		window.submitted(lease, 0);
		for (let i = 0; i < 150; i++) window.notePoll(10_000);
		// The burst is spent: the next poll goes at the rate (one per 200 ms), not a minute later.
		expect(window.pollAllowedAtMs(10_000)).toBe(10_200);
		expect(nextPollAtMs(state({ nowMs: 10_000, lastPollAtMs: 8_000, runningPolls: 5, lease, window, durationMs: () => 1_000 }))).toBe(10_200);
		window.notePoll(10_200);
		expect(window.pollAllowedAtMs(10_200)).toBe(10_400);
		// A quiet minute fills the bucket again, never above 150.
		expect(window.pollAllowedAtMs(70_000)).toBe(70_000);
		let polls = 0;
		for (let atMs = 70_000; (atMs = window.pollAllowedAtMs(atMs)) < 130_000; polls++) window.notePoll(atMs);
		// In one minute: the 150 at once, then one every 200 ms (70.2 s … 129.8 s).
		expect(polls).toBe(150 + 299);
	});
});
