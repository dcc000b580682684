import type { JobLease } from '../../../nodes/shared/concurrency';
import { ConcurrencyWindow } from '../../../nodes/shared/concurrency';
import { setTimeScale } from '../../../nodes/shared/timing';

/** Takes `count` places at once (the rest queue behind them as waiting rows), all submitted at `atMs`. */
async function submit(window: ConcurrencyWindow, count: number, atMs: number): Promise<JobLease[]> {
	const leases: JobLease[] = [];
	for (let i = 0; i < count; i++) {
		const lease = await window.acquire(undefined);
		window.submitted(lease, atMs);
		leases.push(lease);
	}
	return leases;
}
/** Rows waiting for a place: what makes the window want to grow. */
function waitingRows(window: ConcurrencyWindow, count: number): Array<Promise<JobLease>> {
	return Array.from({ length: count }, () => window.acquire(undefined));
}

/** 16 submitted at 0, every one QUEUED at the first look (0.5 s), rows waiting: the window asks to look at the account. */
async function allQueuedAtFirstLook(waiting = 100) {
	const window = new ConcurrencyWindow();
	const first = await submit(window, 16, 0);
	first.forEach((lease, i) => (lease.jobId = `ours-${i}`));
	waitingRows(window, waiting);
	first.forEach((lease) => window.observe(lease, 'QUEUED', undefined, 500));
	expect(window.limit).toBe(16);
	expect(window.takeAccountLook()).toBe(true);
	return { window, first };
}

describe("the account's running-job window, learned from what the API does", () => {
	beforeAll(() => setTimeScale(1));

	it('no cap: starts at 16 and grows fourfold each round in which every job started', async () => {
		const window = new ConcurrencyWindow();
		const first = await submit(window, 16, 0);
		waitingRows(window, 100);
		expect(window.limit).toBe(16);
		first.forEach((lease) => window.observe(lease, 'PROCESSING', 3, 300));
		expect(window.limit).toBe(64);
		await new Promise((resolve) => setImmediate(resolve));
		expect(window.inFlight).toBe(64);
	});

	it('a hidden cap of 10: 10 running and 6 queued at the first look settle it at 10, whatever order the polls come in', async () => {
		const window = new ConcurrencyWindow();
		const leases = await submit(window, 16, 0);
		const [next] = waitingRows(window, 100);
		leases.slice(10).forEach((lease) => window.observe(lease, 'QUEUED', 0, 500));
		leases.slice(0, 10).forEach((lease) => window.observe(lease, 'PROCESSING', 3, 501));
		// Queued while ours run: no growth, but not held yet (a provider may start jobs late)…
		expect(window.limit).toBe(16);
		expect(window.heldLeases()).toHaveLength(0);
		// …until they have waited twice as long as ours took to start.
		leases.slice(10).forEach((lease) => window.observe(lease, 'QUEUED', 0, 1_100));
		expect(window.limit).toBe(10);
		expect(window.heldLeases()).toHaveLength(6);
		// Settled: no new job is asked for an early look any more.
		leases.forEach((lease) => window.release(lease, true));
		expect((await next).startCheck).toBe(false);
	});

	it('a provider that starts jobs late (all QUEUED at first, nothing running on the account) lets the window double once, not more, until a job runs', async () => {
		// Nothing of ours runs: first a look at what runs on the account, once.
		const { window, first } = await allQueuedAtFirstLook();
		expect(window.takeAccountLook()).toBe(false);
		window.noteAccountRunning([]);
		expect(window.limit).toBe(32);
		await new Promise((resolve) => setImmediate(resolve));
		expect(window.inFlight).toBe(32);
		first.forEach((lease) => window.observe(lease, 'QUEUED', undefined, 1000));
		expect(window.limit).toBe(32);
		expect(window.takeAccountLook()).toBe(false);
	});

	it('all of ours QUEUED while other jobs of the account run (another n8n worker fills it): no growth', async () => {
		const { window, first } = await allQueuedAtFirstLook();
		window.noteAccountRunning(['ours-3', 'theirs-1', 'theirs-2']);
		first.forEach((lease) => window.observe(lease, 'QUEUED', undefined, 1000));
		expect(window.limit).toBe(16);
		expect(window.takeAccountLook()).toBe(false);
	});

	it("ours waited while another worker's 25 ran, then all of ours ran: it grows into the account's free places, not fourfold", async () => {
		const { window, first } = await allQueuedAtFirstLook();
		window.noteAccountRunning(Array.from({ length: 25 }, (_, i) => `theirs-${i}`));
		expect(window.limit).toBe(16);
		first.forEach((lease) => window.observe(lease, 'PROCESSING', 3, 2_000));
		expect(window.limit).toBe(16);
		// The other worker's jobs ended but 4: ours may hold the other 21 of the account's 25, and a
		// slack of 5 (a fifth) the API queues and starts the moment a place frees.
		expect(window.takeAccountLook(2_000)).toBe(true);
		window.noteAccountRunning([...first.map((lease) => lease.jobId!), 'theirs-1', 'theirs-2', 'theirs-3', 'theirs-4']);
		expect(window.limit).toBe(21 + 5);
	});

	it("a job of ours listed before its submit answered (no id yet) is not taken for another's", async () => {
		const { window, first } = await allQueuedAtFirstLook();
		first[15].jobId = undefined;
		window.noteAccountRunning(['listed-before-its-202']);
		expect(window.limit).toBe(32);
	});

	it('the account list cannot be read: the window grows as before (blind, once)', async () => {
		const { window } = await allQueuedAtFirstLook();
		window.noteAccountRunning(undefined);
		expect(window.limit).toBe(32);
	});

	it('late start and a hidden cap of 3: once jobs run, the ones still queued behind them settle it at 3', async () => {
		const { window, first: leases } = await allQueuedAtFirstLook(10);
		window.noteAccountRunning([]); // the provider's late start: nothing shows PROCESSING yet
		leases.slice(0, 3).forEach((lease) => window.observe(lease, 'PROCESSING', 25, 3000));
		leases.slice(3).forEach((lease) => window.observe(lease, 'QUEUED', undefined, 3000));
		expect(window.limit).toBe(32);
		leases.slice(3).forEach((lease) => window.observe(lease, 'QUEUED', undefined, 6_000));
		expect(window.limit).toBe(3);
		expect(window.heldLeases()).toHaveLength(13);
	});

	/**
	 * Another worker runs 9 of the account's 25 places: of our 16, 9 run and 7 wait. Held, they have
	 * the window count the account's running jobs (25 then: its limit).
	 */
	async function sharingWithAnotherWorker() {
		const window = new ConcurrencyWindow();
		const leases = await submit(window, 16, 0);
		leases.forEach((lease, i) => (lease.jobId = `ours-${i}`));
		const waiting = waitingRows(window, 200);
		leases.slice(0, 9).forEach((lease) => window.observe(lease, 'PROCESSING', 3, 300));
		leases.slice(9).forEach((lease) => window.observe(lease, 'QUEUED', 0, 1_000));
		expect(window.limit).toBe(9);
		expect(window.takeAccountLook(1_000)).toBe(true);
		window.noteAccountRunning([...leases.slice(0, 9).map((lease) => lease.jobId!), ...Array.from({ length: 16 }, (_, i) => `theirs-${i}`)]);
		// Our 7 waiting ones run and end; the window holds our 9 and rows wait.
		leases.slice(9).forEach((lease) => window.release(lease, true, 6_000));
		return { window, leases, waiting };
	}

	it("one of ours waiting while another worker's jobs run: the account's running jobs are counted once, as its limit", async () => {
		const { window } = await sharingWithAnotherWorker();
		expect(window.limit).toBe(9);
		expect(window.inFlight).toBe(9);
		expect(window.takeAccountLook(1_500)).toBe(false);
	});

	it('settled below the account\'s limit with rows waiting: the places the other worker left are taken at once, looked at early', async () => {
		const { window, leases, waiting } = await sharingWithAnotherWorker();
		// The other worker finished: 12 run on the account, 9 of them ours.
		expect(window.takeAccountLook(3_000)).toBe(true);
		expect(window.lookWantsQueued()).toBe(true);
		window.noteAccountRunning([...leases.slice(0, 9).map((lease) => lease.jobId!), 'theirs-1', 'theirs-2', 'theirs-3'], 3_000, []);
		expect(window.limit).toBe(22 + 5);
		const granted = await Promise.all(waiting.slice(0, 18));
		expect(granted.map((lease) => lease.startCheck)).toEqual(Array(18).fill(true));
		expect(window.inFlight).toBe(27);
		// At most one look every 2 s, and none while the window has places of its own to fill.
		expect(window.takeAccountLook(4_000)).toBe(false);
		return { window, leases };
	});

	it("two workers each holding the whole account: a look counts the other's running and waiting jobs, and keeps only the share they leave", async () => {
		const { window, leases } = await sharingWithAnotherWorker();
		expect(window.takeAccountLook(3_000)).toBe(true);
		window.noteAccountRunning([...leases.slice(0, 9).map((lease) => lease.jobId!), 'theirs-1', 'theirs-2', 'theirs-3'], 3_000, []);
		expect(window.limit).toBe(27);
		// The other worker is back: 12 of its jobs run and 8 wait, so ours may hold 25 − 20, and the slack of 5.
		leases.slice(0, 9).forEach((lease) => window.release(lease, true, 6_000));
		expect(window.takeAccountLook(5_000)).toBe(true);
		const theirs = (n: number, from: number) => Array.from({ length: n }, (_, i) => `theirs-${from + i}`);
		const ours = [...(window as unknown as { running: Set<JobLease> }).running].map((lease, i) => (lease.jobId = `ours-new-${i}`));
		expect(ours).toHaveLength(27);
		// 5 of ours run, one waits (listed with the others' 8), the rest are on their way.
		window.noteAccountRunning([...ours.slice(0, 5), ...theirs(12, 0)], 5_000, [...theirs(8, 12), ours[7]]);
		expect(window.limit).toBe(5 + 5);
	});

	it('the other worker gone (only ours run): the window takes the whole account, without slack', async () => {
		const { window, leases } = await sharingWithAnotherWorker();
		expect(window.takeAccountLook(3_000)).toBe(true);
		window.noteAccountRunning(leases.slice(0, 9).map((lease) => lease.jobId!), 3_000, []);
		expect(window.limit).toBe(25);
	});

	it('the account as full as its limit: only the slack of 5 places is taken, and the next look comes 2 s later', async () => {
		const { window, leases } = await sharingWithAnotherWorker();
		expect(window.takeAccountLook(3_000)).toBe(true);
		window.noteAccountRunning([...leases.slice(0, 9).map((lease) => lease.jobId!), ...Array.from({ length: 16 }, (_, i) => `theirs-${i}`)], 3_000, []);
		expect(window.limit).toBe(9 + 5);
		expect(window.takeAccountLook(4_999)).toBe(false);
		expect(window.takeAccountLook(5_000)).toBe(true);
	});

	it("a look at the account's running jobs is a look at each of ours: a held one listed has started, one seen running and not listed has ended; their pollers are woken", async () => {
		const window = new ConcurrencyWindow();
		const leases = await submit(window, 16, 0);
		leases.forEach((lease, i) => (lease.jobId = `ours-${i}`));
		waitingRows(window, 200);
		leases.slice(0, 9).forEach((lease) => window.observe(lease, 'PROCESSING', 3, 300));
		leases.slice(9).forEach((lease) => window.observe(lease, 'QUEUED', 0, 1_000));
		const woken: string[] = [];
		leases.forEach((lease) => (lease.wake = () => woken.push(lease.jobId!)));
		expect(window.takeAccountLook(1_000)).toBe(true);
		// ours-0 ended; ours-9 (held) runs now; the other held ones still wait.
		window.noteAccountRunning([...leases.slice(1, 10).map((lease) => lease.jobId!), ...Array.from({ length: 16 }, (_, i) => `theirs-${i}`)], 1_200);
		expect(woken).toEqual(['ours-0', 'ours-9']);
		expect([leases[0].endLikely, leases[9].held, leases[9].startedSeenAtMs, leases[10].held]).toEqual([true, false, 1_200, true]);
	});

	it('alone on the account (ours fill its limit): it never looks for free places', async () => {
		const window = new ConcurrencyWindow();
		const leases = await submit(window, 16, 0);
		leases.forEach((lease, i) => (lease.jobId = `ours-${i}`));
		waitingRows(window, 200);
		leases.slice(0, 10).forEach((lease) => window.observe(lease, 'PROCESSING', 3, 300));
		leases.slice(10).forEach((lease) => window.observe(lease, 'QUEUED', 0, 1_000));
		expect(window.takeAccountLook(1_000)).toBe(true);
		window.noteAccountRunning(leases.slice(0, 10).map((lease) => lease.jobId!));
		leases.slice(10).forEach((lease) => window.release(lease, true, 6_000));
		expect(window.limit).toBe(10);
		expect(window.takeAccountLook(60_000)).toBe(false);
	});

	async function probeAfterFortyCompletions() {
		const window = new ConcurrencyWindow();
		const leases = await submit(window, 16, 0);
		const waiting = waitingRows(window, 200);
		leases.slice(0, 10).forEach((lease) => window.observe(lease, 'PROCESSING', 3, 500));
		leases.slice(10).forEach((lease) => window.observe(lease, 'QUEUED', 0, 1_000));
		expect(window.limit).toBe(10);
		// The 6 held jobs end without counting; the 10 others and then 30 rows that got in end cleanly.
		leases.forEach((lease) => window.release(lease, !lease.held));
		let next = 0;
		for (let clean = 10; clean < 40; clean++) {
			const lease = await waiting[next++];
			window.submitted(lease, 1000);
			expect(lease.startCheck).toBe(false);
			window.release(lease, true);
		}
		expect(window.limit).toBe(11);
		// The place the limit gained and the one just freed went to the rows waiting longest: they race
		// for the API's places, so both are looked at early and judged together.
		const granted = await Promise.all(waiting.slice(0, 41));
		expect(granted.map((lease, index) => (lease.startCheck ? index : -1)).filter((index) => index >= 0)).toEqual([39, 40]);
		expect(granted.map((lease, index) => (lease.probe ? index : -1)).filter((index) => index >= 0)).toEqual([39, 40]);
		return { window, probe: granted[40], other: granted[30] };
	}

	it('settled, it tries one more job after 4 × limit clean completions, and that job is looked at early', async () => {
		await probeAfterFortyCompletions();
	});

	/** The probe (submitted at 5 s) seen running at 5.2 s; `other` (submitted at 1 s) ends `otherRanMs` later. */
	async function probeSeenRunning(otherRanMs: number) {
		const probed = await probeAfterFortyCompletions();
		probed.window.submitted(probed.other, 1_000);
		probed.window.submitted(probed.probe, 5_000);
		probed.window.observe(probed.probe, 'PROCESSING', 3, 5_200);
		probed.window.release(probed.other, true, otherRanMs);
		return probed;
	}
	const inWindow = (window: ConcurrencyWindow) => [...(window as unknown as { running: Set<JobLease> }).running];

	it('a probe first seen running after one of ours ended only took that place from the API queue: withdrawn', async () => {
		// other ran 4.1 s from its submit: it ended at 5.1 s, between the probe's submit and its look.
		const { window } = await probeSeenRunning(4_100);
		expect(window.limit).toBe(10);
	});

	it('a probe seen running while every job of ours still ran is a place more: kept', async () => {
		const { window, probe } = await probeSeenRunning(4_300); // other ended at 5.3 s, after the probe was seen running
		expect(window.limit).toBe(11);
		// The probe ran its course: two places more are tried at once, looked at early with the place
		// the probe freed.
		window.release(probe, true, 15_000);
		expect(window.limit).toBe(13);
		await new Promise((resolve) => setImmediate(resolve));
		expect(inWindow(window).filter((lease) => lease.probe && lease.startCheck)).toHaveLength(3);
	});

	it('a round of two places that fails gives both back, and no job of it stays a probe', async () => {
		const { window, probe } = await probeSeenRunning(4_300);
		window.release(probe, true, 15_000); // 13: a round of two places
		const probes = inWindow(window).filter((lease) => lease.probe);
		probes[0].submittedAtMs = 20_000;
		const ended = inWindow(window).find((lease) => !lease.probe)!;
		ended.submittedAtMs = 10_000;
		window.release(ended, true, 10_500); // ended at 20.5 s, while the first probe was not yet seen running
		expect(window.limit).toBe(11);
		expect(probes.map((lease) => lease.probe)).toEqual([false, false, false]);
	});

	it('a 429 halves the window, once for a burst of them', async () => {
		const window = new ConcurrencyWindow();
		await submit(window, 16, 0);
		window.rateLimited(10_000);
		window.rateLimited(11_000);
		expect(window.limit).toBe(8);
		window.rateLimited(16_000);
		expect(window.limit).toBe(4);
	});

	it("the user's Max Running Jobs (or a limit the API reports) is kept as it is", async () => {
		const window = new ConcurrencyWindow();
		window.setFixedLimit(3);
		const leases = await submit(window, 3, 0);
		waitingRows(window, 10);
		expect(leases.every((lease) => !lease.startCheck)).toBe(true);
		leases.forEach((lease) => window.observe(lease, 'PROCESSING', 5, 500));
		window.rateLimited(1000);
		expect(window.limit).toBe(3);
		window.setFixedLimit(undefined);
		expect(window.limit).toBe(16);
	});
});
