/** Figures from the simulator's job log (createdAt / startedAt / completedAt): what ran at once, what waited. */
import type { RecordedRequest, SimJob } from '../../simulator';

const ms = (iso: string | null) => (iso ? Date.parse(iso) : NaN);

/** The largest number of intervals [from, to) open at one moment. */
function peak(intervals: Array<[number, number]>): number {
	const events: Array<[number, number]> = [];
	for (const [from, to] of intervals) {
		if (!Number.isFinite(from)) continue;
		events.push([from, +1], [Number.isFinite(to) ? to : Infinity, -1]);
	}
	// Ends before starts at the same instant: a slot handed over is not two at once.
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let open = 0;
	let max = 0;
	for (const [, d] of events) max = Math.max(max, (open += d));
	return max;
}

/** Intervals open on average over [first start, last end]: jobs in flight, time-weighted. */
function meanOpen(intervals: Array<[number, number]>): number {
	const finite = intervals.filter(([from, to]) => Number.isFinite(from) && Number.isFinite(to));
	if (!finite.length) return 0;
	const span = Math.max(...finite.map(([, to]) => to)) - Math.min(...finite.map(([from]) => from));
	return span > 0 ? Math.round((finite.reduce((sum, [from, to]) => sum + (to - from), 0) / span) * 10) / 10 : 0;
}

export interface JobLogFigures {
	jobs: number;
	/** Submitted and not finished, on average over the log's span (time-weighted). */
	meanInFlight: number;
	/** Submitted and not finished (QUEUED or PROCESSING), at most at once. */
	peakInFlight: number;
	/** PROCESSING (holding one of the account's slots), at most at once. */
	peakRunning: number;
	/** PROCESSING, on average over the log's span: the account's limit × how well it was used. */
	meanRunning: number;
	/** Jobs that waited QUEUED for a slot (startedAt more than `queuedThresholdMs` after createdAt). */
	waitedQueued: number;
	/** The longest and the total QUEUED wait, ms. */
	maxQueuedMs: number;
	totalQueuedMs: number;
	/** From the first createdAt to the last completedAt, ms. */
	spanMs: number;
}

export function jobLogFigures(jobs: SimJob[], queuedThresholdMs = 100): JobLogFigures {
	const waits = jobs.map((j) => ms(j.startedAt) - ms(j.createdAt)).filter(Number.isFinite);
	const created = jobs.map((j) => ms(j.createdAt)).filter(Number.isFinite);
	const completed = jobs.map((j) => ms(j.completedAt)).filter(Number.isFinite);
	return {
		jobs: jobs.length,
		peakInFlight: peak(jobs.map((j) => [ms(j.createdAt), ms(j.completedAt)])),
		meanInFlight: meanOpen(jobs.map((j) => [ms(j.createdAt), ms(j.completedAt)])),
		peakRunning: peak(jobs.map((j) => [ms(j.startedAt), ms(j.completedAt)])),
		meanRunning: meanOpen(jobs.map((j) => [ms(j.startedAt), ms(j.completedAt)])),
		waitedQueued: waits.filter((w) => w > queuedThresholdMs).length,
		maxQueuedMs: waits.length ? Math.max(...waits) : 0,
		totalQueuedMs: waits.reduce((a, b) => a + Math.max(0, b), 0),
		spanMs: created.length && completed.length ? Math.max(...completed) - Math.min(...created) : 0,
	};
}

export interface NoticeFigures {
	/** Jobs with a poll after their end. */
	jobs: number;
	/** From a job's completedAt to the first GET /v2/jobs/<id> after it, ms. */
	medianMs: number;
	p95Ms: number;
	maxMs: number;
	/** GET /v2/jobs/<id> per job, on average. */
	pollsPerJob: number;
	/** The job noticed last, ms from its createdAt: started, completed, and every poll. */
	slowest?: { jobId: string; startedMs: number; completedMs: number; pollsMs: number[] };
}

/** How soon the node saw each job finish: the first poll of a job after its completedAt (simulator request log). */
export function noticeFigures(jobs: SimJob[], requests: RecordedRequest[]): NoticeFigures {
	const pollsByJob = new Map<string, number[]>();
	for (const r of requests) {
		const m = r.method === 'GET' ? /^\/v2\/jobs\/([0-9a-f-]{36})$/.exec(r.path) : null;
		if (!m) continue;
		const list = pollsByJob.get(m[1]) ?? [];
		list.push(Date.parse(r.at));
		pollsByJob.set(m[1], list);
	}
	const delays: number[] = [];
	let polls = 0;
	let slowest: { job: SimJob; delay: number } | undefined;
	for (const j of jobs) {
		const at = pollsByJob.get(j.id) ?? [];
		polls += at.length;
		const done = ms(j.completedAt);
		const first = at.filter((t) => t >= done).sort((a, b) => a - b)[0];
		if (first === undefined) continue;
		delays.push(first - done);
		if (!slowest || first - done > slowest.delay) slowest = { job: j, delay: first - done };
	}
	delays.sort((a, b) => a - b);
	const created = slowest ? ms(slowest.job.createdAt) : 0;
	const since = (t: number) => t - created;
	const q = (p: number) => (delays.length ? delays[Math.min(delays.length - 1, Math.ceil(p * delays.length) - 1)] : 0);
	return {
		jobs: delays.length,
		medianMs: q(0.5),
		p95Ms: q(0.95),
		maxMs: delays.length ? delays[delays.length - 1] : 0,
		pollsPerJob: jobs.length ? Math.round((polls / jobs.length) * 10) / 10 : 0,
		slowest: slowest && {
			jobId: slowest.job.id,
			startedMs: since(ms(slowest.job.startedAt)),
			completedMs: since(ms(slowest.job.completedAt)),
			pollsMs: (pollsByJob.get(slowest.job.id) ?? []).sort((a, b) => a - b).map(since),
		},
	};
}
