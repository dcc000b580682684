/**
 * The grid's figures from the simulator's logs: the physical limit of a run, API requests per
 * job, and jobs in flight (created and not yet finished: running or queued on the account).
 */
import type { RecordedRequest, SimJob } from '../test/simulator';
import { round } from './stats';

export interface RequestFigures {
	submits: number;
	/** Every other API call: GET /v2/jobs/{id}, GET /v2/jobs, GET /v2/me … */
	looks: number;
	downloads: number;
	status429: number;
	otherErrors: number;
	jobs: number;
	/** (submits + looks) ÷ jobs created; downloads apart. */
	apiRequestsPerJob: number;
	downloadsPerJob: number;
}

export function requestFigures(requests: RecordedRequest[], jobs: SimJob[]): RequestFigures {
	const api = requests.filter((r) => r.path.startsWith('/v2/'));
	const submits = api.filter((r) => r.method === 'POST' && r.path === '/v2/images/generate').length;
	const downloads = requests.filter((r) => r.path.startsWith('/files/')).length;
	const per = (n: number) => round(n / Math.max(1, jobs.length), 2);
	return {
		submits,
		looks: api.length - submits,
		downloads,
		status429: requests.filter((r) => r.status === 429).length,
		otherErrors: requests.filter((r) => r.status !== null && r.status !== 429 && (r.status === 0 || r.status >= 400)).length,
		jobs: jobs.length,
		apiRequestsPerJob: per(api.length),
		downloadsPerJob: per(downloads),
	};
}

export interface InFlightFigures {
	/** Peak over the run, all jobs on the account. */
	all: number;
	/** The largest of each process's own peak (one process: = all). */
	ours: number;
	/**
	 * Once the processes have looked: the most jobs in flight on the account right after any job
	 * created after the first job finished (by then every process has looked at the account).
	 * Jobs created before that moment count while they are in flight, but an early burst alone
	 * does not set this figure. No job created after it: the whole run's peak.
	 */
	afterLook: number;
}

const at = (iso: string | null) => (iso ? Date.parse(iso) : Number.POSITIVE_INFINITY);

/** Counts in flight after each event; ends before starts at the same instant. */
function sweep(jobs: SimJob[]): Array<{ t: number; count: number; created: boolean }> {
	const events = jobs.flatMap((j) => [
		{ t: at(j.createdAt), d: 1 },
		...(j.completedAt ? [{ t: at(j.completedAt), d: -1 }] : []),
	]);
	events.sort((a, b) => a.t - b.t || a.d - b.d);
	let count = 0;
	return events.map((e) => ({ t: e.t, count: (count += e.d), created: e.d > 0 }));
}

const peak = (jobs: SimJob[]) => Math.max(0, ...sweep(jobs).map((e) => e.count));

export function inFlightFigures(jobs: SimJob[], processOf: (job: SimJob) => string): InFlightFigures {
	const groups = new Map<string, SimJob[]>();
	for (const job of jobs) groups.set(processOf(job), [...(groups.get(processOf(job)) ?? []), job]);
	const all = peak(jobs);
	const firstEnd = Math.min(...jobs.map((j) => at(j.completedAt)));
	const later = sweep(jobs).filter((e) => e.created && e.t >= firstEnd);
	return {
		all,
		ours: Math.max(0, ...[...groups.values()].map(peak)),
		afterLook: later.length ? Math.max(...later.map((e) => e.count)) : all,
	};
}

/**
 * Best possible wall time, real ms. Fixed durations: ceil(N / limit) × L. Spread durations:
 * greedy list scheduling of the jobs' real durations on the limit's slots, in creation order
 * (S4's yardstick, ownLimitMs).
 */
export function fixedLimitMs(rows: number, cap: number, realLatencyMs: number): number {
	return (cap > 0 ? Math.ceil(rows / cap) : 1) * realLatencyMs;
}
