/**
 * S4: the node against a provider unlike our simulator's default — durations spread like real
 * Seedream (lognormal, a long tail, seeded so every run draws the same), and each way of
 * reporting progress (linear, stepped, late start, none) — with no cap and with a hidden cap of 3.
 * The yardstick is each run's own limit, read from the simulator's job log: the moment the last
 * job could have finished had every slot been refilled the instant it freed, the jobs taken in
 * the order they were created.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { SimJob } from '../test/simulator';
import { SIMULATED_LATENCY_MS } from './config';
import type { NodeRun } from './nodeScenario';
import { runNodeOnce } from './nodeScenario';
import { startSimProcess } from './simProcess';
import { round } from './stats';

export const S4 = { rows: 30, caps: [0, 3], curves: ['linear', 'stepped', 'late-start', 'none'] as const, randomSeed: 20261201 };

export interface S4Run extends Omit<NodeRun, 'ratio'> {
	curve: string;
	cap: number;
	/** Wall time ÷ this run's own limit (see limitMs). */
	ratio: number;
	limitMs: number;
}

/** Greedy list scheduling of the jobs' real durations on `cap` slots (0: no cap), from the first submit. */
export function ownLimitMs(jobs: SimJob[], cap: number): number {
	const ordered = [...jobs].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
	if (!ordered.length) return 0;
	const t0 = Date.parse(ordered[0].createdAt);
	const slots: number[] = [];
	let end = 0;
	for (const job of ordered) {
		const duration = Number(job.durationMs ?? 0);
		let start = 0;
		if (cap > 0 && slots.length >= cap) {
			slots.sort((a, b) => a - b);
			start = slots.shift() as number;
		}
		slots.push(start + duration);
		end = Math.max(end, start + duration);
	}
	return end + (Date.parse(ordered[0].createdAt) - t0);
}

export async function runS4(timeScale: number, imageScale: number, parameters: INodeParameters, log: (line: string) => void): Promise<S4Run[]> {
	const runs: S4Run[] = [];
	for (const cap of S4.caps) {
		for (const curve of S4.curves) {
			const shape = { rows: S4.rows, maxConcurrentJobs: cap, rateLimitPerMinute: 0, timeScale, imageScale };
			const sim = await startSimProcess({
				timeScale,
				imageScale,
				latencyMs: SIMULATED_LATENCY_MS,
				latencyDistribution: 'lognormal',
				randomSeed: S4.randomSeed,
				progressCurve: curve,
				maxConcurrentJobs: cap,
			});
			try {
				const { items: _items, ...run } = await runNodeOnce(sim, { ...shape, parameters }, `s4-${cap}-${curve}`);
				const limitMs = ownLimitMs(await sim.jobs(), cap);
				const result: S4Run = { ...run, curve, cap, limitMs: round(limitMs, 1), ratio: round(run.wallMs / limitMs, 3) };
				runs.push(result);
				log(`  S4 ${cap ? `cap ${cap}` : 'no cap'}, ${curve}: wall/own limit ${result.ratio}, ${run.traffic.requestsPerJob} requests/job, ${run.traffic.jobs} jobs, ${run.rowsLost} rows lost`);
			} finally {
				await sim.close();
			}
		}
	}
	return runs;
}
