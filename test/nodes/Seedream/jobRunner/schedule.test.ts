import { nextLookAtMs } from '../../../../nodes/Seedream/jobRunner/schedule';
import type { Known, WaiterView } from '../../../../nodes/Seedream/jobRunner/schedule';

const times = { lookMinMs: 250, coldFirstLookMs: 500, coldLookGrowth: 1.5, coldLookMaxGapMs: 5_000, warmFirstLookQuantile: 0.1, warmLookGapShare: 0.1, warmTailGapShare: 0.05, warmFirstLookMarginShare: 0.01 };
const known = (waiters: WaiterView[], lastLookAtMs?: number, budgetAllowedAtMs = 0, startsMatter = false): Known => ({ waiters, lastLookAtMs, budgetAllowedAtMs, times, startsMatter });
const cold = (sinceMs: number): WaiterView => ({ sinceMs, notStartedAtMs: sinceMs, startSeen: false });
/** Ten learned durations, 12–21 s: 10th percentile 12 s, median 16 s. */
const durationsMs = Array.from({ length: 10 }, (_, i) => 12_000 + i * 1_000);

describe('when the account is looked at next', () => {
	it('nothing waited on: no look', () => {
		expect(nextLookAtMs(known([]))).toBeUndefined();
	});

	it('cold: 0.5 s after the submit, each gap 1.5× the last, at most 5 s apart', () => {
		const looks: number[] = [];
		let last: number | undefined;
		for (let i = 0; i < 8; i++) looks.push((last = nextLookAtMs(known([cold(0)], last)) as number));
		expect(looks).toEqual([500, 1_250, 2_375, 4_062.5, 6_593.75, 10_390.625, 15_390.625, 20_390.625]);
	});

	it('one look serves every job: the first due of them sets it', () => {
		expect(nextLookAtMs(known([cold(0), cold(1_000)], 500))).toBe(1_250);
		expect(nextLookAtMs(known([cold(3_000), cold(0)], 2_375))).toBe(3_500);
	});

	it('warm: from the start plus the 10th percentile of durations and 1 % of the median, then every 10 % of the median', () => {
		const warm = { sinceMs: 0, notStartedAtMs: 1_000, durationsMs, startSeen: true };
		expect(nextLookAtMs(known([warm]))).toBe(13_160);
		expect(nextLookAtMs(known([warm], 13_160))).toBe(14_760);
		// Short jobs: 10 % of a 2 s median is under the floor of 0.25 s between looks.
		const short = { sinceMs: 0, notStartedAtMs: 0, durationsMs: [1_800, 2_000, 2_200], startSeen: true };
		expect(nextLookAtMs(known([short]))).toBe(1_820);
		expect(nextLookAtMs(known([short], 1_820))).toBe(2_070);
	});

	it('warm, in the tail: every 5 % of how long the job has run, once that is longer than 10 % of the median', () => {
		const tail = { sinceMs: 0, notStartedAtMs: 0, durationsMs, startSeen: true };
		// Run 40 s at the last look: 5 % is 2 s (10 % of the 16 s median is 1.6 s).
		expect(nextLookAtMs(known([tail], 40_000))).toBe(42_000);
		expect(nextLookAtMs(known([tail], 100_000))).toBe(105_000);
	});

	it('while the window learns with rows waiting, a job not seen started is also due on the cold schedule', () => {
		const warmNotStarted = { sinceMs: 0, notStartedAtMs: 0, durationsMs, startSeen: false };
		expect(nextLookAtMs(known([warmNotStarted], undefined, 0, true))).toBe(500);
		expect(nextLookAtMs(known([warmNotStarted], undefined, 0, false))).toBe(12_160);
		expect(nextLookAtMs(known([{ ...warmNotStarted, startSeen: true }], undefined, 0, true))).toBe(12_160);
	});

	it('never within 0.25 s of the last look, never before the budget allows', () => {
		expect(nextLookAtMs(known([cold(1_000)], 1_400))).toBe(1_650);
		expect(nextLookAtMs(known([cold(0)], undefined, 9_000))).toBe(9_000);
	});
});
