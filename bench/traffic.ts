/**
 * What the simulator saw during one run, reduced to the figures the benchmark reports and the
 * figures that explain them (polls per job, how late a finished job was noticed, idle slots).
 */
import type { RecordedRequest, SimJob } from '../test/simulator';
import { median, percentile, round } from './stats';

export interface Traffic {
	requests: number;
	submits: number;
	polls: number;
	downloads: number;
	accountCalls: number;
	otherRequests: number;
	status429: number;
	otherErrors: number;
	jobs: number;
	completedJobs: number;
	requestsPerJob: number;
	pollsPerJob: number;
	/** Simulated ms from COMPLETED to the first poll that could see it (median, p90). */
	detectionLagMedianMs: number;
	detectionLagP90Ms: number;
	/** Simulated ms a job sat QUEUED on the API (median, max). */
	queuedMedianMs: number;
	queuedMaxMs: number;
	/**
	 * Capped runs: simulated ms from the k-th completion until the (k+cap)-th job started, i.e. how
	 * long a freed slot stayed empty (median, p90). Null without a cap.
	 */
	slotRefillMedianMs: number | null;
	slotRefillP90Ms: number | null;
}

const ms = (iso: string | null): number => (iso ? Date.parse(iso) : Number.NaN);

export function analyseTraffic(requests: RecordedRequest[], jobs: SimJob[], timeScale: number, cap: number): Traffic {
	const toSim = (realMs: number) => round(realMs / timeScale, 0);
	const submits = requests.filter((r) => r.method === 'POST' && r.path === '/v2/images/generate');
	const polls = requests.filter((r) => r.method === 'GET' && /^\/v2\/jobs\/[^/]+$/.test(r.path));
	const downloads = requests.filter((r) => r.method === 'GET' && r.path.startsWith('/files/'));
	const accountCalls = requests.filter((r) => r.path === '/v2/me');
	const pollTimes = new Map<string, number[]>();
	for (const poll of polls) {
		const id = decodeURIComponent(poll.path.slice('/v2/jobs/'.length));
		const list = pollTimes.get(id) ?? [];
		list.push(ms(poll.at));
		pollTimes.set(id, list);
	}
	const completed = jobs.filter((j) => j.status === 'COMPLETED');
	const lags: number[] = [];
	for (const job of completed) {
		const done = ms(job.completedAt);
		const seen = (pollTimes.get(job.id) ?? []).filter((t) => t >= done);
		if (seen.length) lags.push(Math.min(...seen) - done);
	}
	const queued = jobs.filter((j) => j.startedAt).map((j) => ms(j.startedAt) - ms(j.createdAt));
	let refill: number[] | null = null;
	if (cap > 0 && jobs.length > cap) {
		const ends = completed.map((j) => ms(j.completedAt)).sort((a, b) => a - b);
		const starts = jobs.map((j) => ms(j.startedAt)).filter(Number.isFinite).sort((a, b) => a - b);
		refill = [];
		for (let k = cap; k < starts.length && k - cap < ends.length; k++) refill.push(Math.max(0, starts[k] - ends[k - cap]));
	}
	const count = (list: RecordedRequest[]) => list.length;
	return {
		requests: requests.length,
		submits: count(submits),
		polls: count(polls),
		downloads: count(downloads),
		accountCalls: count(accountCalls),
		otherRequests: requests.length - submits.length - polls.length - downloads.length - accountCalls.length,
		status429: requests.filter((r) => r.status === 429).length,
		otherErrors: requests.filter((r) => r.status !== null && r.status !== 429 && (r.status === 0 || r.status >= 400)).length,
		jobs: jobs.length,
		completedJobs: completed.length,
		requestsPerJob: round(requests.length / Math.max(1, jobs.length), 2),
		pollsPerJob: round(polls.length / Math.max(1, jobs.length), 2),
		detectionLagMedianMs: toSim(median(lags)),
		detectionLagP90Ms: toSim(percentile(lags, 90)),
		queuedMedianMs: toSim(median(queued)),
		queuedMaxMs: toSim(Math.max(0, ...queued)),
		slotRefillMedianMs: refill ? toSim(median(refill)) : null,
		slotRefillP90Ms: refill ? toSim(percentile(refill, 90)) : null,
	};
}
