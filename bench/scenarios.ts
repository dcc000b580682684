/** S1 and S2 (repeated, medians) and baseline (a), each against its own simulator child. */
import type { INodeParameters } from 'n8n-workflow';

import type { BaselineRun } from './baselineSequential';
import { runSequential } from './baselineSequential';
import { SIMULATED_LATENCY_MS, idealMs } from './config';
import type { NodeRun, ScenarioShape } from './nodeScenario';
import { runNodeOnce, simulatorOptions } from './nodeScenario';
import { startSimProcess } from './simProcess';
import { median, round } from './stats';

/**
 * PNG, not Seedream's default JPEG: the simulator's JPEG encoder (jpeg-js) spends ~22 ms per
 * image whatever its size, one image after another, which at a scaled 15 s is a CDN far slower
 * than the real one. Its PNG encoder takes ~0.5 ms for the 64 px test images.
 */
export const NODE_PARAMETERS: INodeParameters = { options: { outputFormat: 'png' } };

export interface ShapeSettings extends ScenarioShape {
	latencyMs: number;
	latencySpreadMs: number;
	idealSimulatedMs: number;
	idealRealMs: number;
}

export function describeShape(shape: ScenarioShape): ShapeSettings {
	const options = simulatorOptions(shape);
	const ideal = idealMs(shape.rows, shape.maxConcurrentJobs);
	return { ...shape, latencyMs: SIMULATED_LATENCY_MS, latencySpreadMs: options.latencySpreadMs ?? 0, idealSimulatedMs: ideal, idealRealMs: round(ideal * shape.timeScale, 1) };
}

export interface NodeScenarioResult {
	settings: ShapeSettings;
	nodeParameters: INodeParameters;
	repeats: NodeRun[];
	median: {
		ratio: number;
		wallMs: number;
		requestsPerJob: number;
		pollsPerJob: number;
		status429: number;
		jobs: number;
		rowsLost: number;
		cpuMsPerRow: number;
		detectionLagMs: number;
		slotRefillMs: number | null;
	};
	worst: { ratio: number; rowsLost: number; jobsOffBy: number; status429: number };
}

export async function runNodeScenario(label: string, shape: ScenarioShape, repeats: number, parameters: INodeParameters, log: (line: string) => void): Promise<NodeScenarioResult> {
	const sim = await startSimProcess(simulatorOptions(shape));
	const runs: NodeRun[] = [];
	try {
		for (let i = 0; i < repeats; i++) {
			const { items: _items, ...run } = await runNodeOnce(sim, { ...shape, parameters }, label);
			runs.push(run);
			log(`  ${label} #${i + 1}: wall/limit ${run.ratio}, ${run.traffic.requestsPerJob} requests/job, ${run.traffic.status429} × 429, ${run.traffic.jobs} jobs, ${run.rowsLost} rows lost`);
		}
	} finally {
		await sim.close();
	}
	const m = (pick: (run: NodeRun) => number) => round(median(runs.map(pick)), 3);
	const refills = runs.map((r) => r.traffic.slotRefillMedianMs).filter((v): v is number => v !== null);
	return {
		settings: describeShape(shape),
		nodeParameters: parameters,
		repeats: runs,
		median: {
			ratio: m((r) => r.ratio),
			wallMs: m((r) => r.wallMs),
			requestsPerJob: m((r) => r.traffic.requestsPerJob),
			pollsPerJob: m((r) => r.traffic.pollsPerJob),
			status429: m((r) => r.traffic.status429),
			jobs: m((r) => r.traffic.jobs),
			rowsLost: m((r) => r.rowsLost),
			cpuMsPerRow: m((r) => r.cpuMsPerRow),
			detectionLagMs: m((r) => r.traffic.detectionLagMedianMs),
			slotRefillMs: refills.length ? round(median(refills), 0) : null,
		},
		worst: {
			ratio: Math.max(...runs.map((r) => r.ratio)),
			rowsLost: Math.max(...runs.map((r) => r.rowsLost)),
			jobsOffBy: Math.max(...runs.map((r) => Math.abs(r.traffic.jobs - shape.rows))),
			status429: Math.max(...runs.map((r) => r.traffic.status429)),
		},
	};
}

export interface SequentialResult {
	settings: ShapeSettings;
	run: BaselineRun;
}

export async function runSequentialScenario(label: string, shape: ScenarioShape, log: (line: string) => void): Promise<SequentialResult> {
	const sim = await startSimProcess(simulatorOptions(shape));
	try {
		const run = await runSequential(sim, shape, label);
		log(`  ${label}: wall/limit ${run.ratio}, ${run.traffic.requestsPerJob} requests/job, ${run.traffic.status429} × 429, ${run.rowsLost} rows lost`);
		return { settings: describeShape(shape), run };
	} finally {
		await sim.close();
	}
}
