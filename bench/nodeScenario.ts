/**
 * Runs the Seedream node (Image → Generate, default settings) on N rows through n8n-core's own
 * engine (test/harness) against a simulator in a child process, and measures the run.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Simulator, SimulatorOptions } from '../test/simulator';
import { generateParameters, rows, runSeedream, useTestTimeScale } from '../test/support/seedream';
import { LATENCY_SPREAD_MS, SIMULATED_LATENCY_MS, idealMs } from './config';
import type { SimProcess } from './simProcess';
import { freshKey } from './simProcess';
import { round } from './stats';
import type { Traffic } from './traffic';
import { analyseTraffic } from './traffic';

export interface ScenarioShape {
	rows: number;
	maxConcurrentJobs: number;
	rateLimitPerMinute: number;
	timeScale: number;
	imageScale: number;
}

export interface NodeRunOptions extends ScenarioShape {
	/** Extra node parameters (e.g. size, output format). */
	parameters?: INodeParameters;
	prompt?: (index: number) => string;
}

export interface NodeRun {
	wallMs: number;
	/** wall / (ceil(N / cap) × L), both in real ms. */
	ratio: number;
	rowsOut: number;
	rowsLost: number;
	executionStatus: string;
	/** CPU time of the process running n8n's engine, per row (real ms; does not scale with time). */
	cpuMsPerRow: number;
	traffic: Traffic;
}

export const defaultPrompt = (index: number) => `a lighthouse at dusk, row ${index + 1}`;

export function simulatorOptions(o: ScenarioShape): SimulatorOptions {
	return {
		timeScale: o.timeScale,
		imageScale: o.imageScale,
		latencyMs: SIMULATED_LATENCY_MS,
		latencySpreadMs: LATENCY_SPREAD_MS,
		maxConcurrentJobs: o.maxConcurrentJobs,
		rateLimitPerMinute: o.rateLimitPerMinute,
	};
}

/** Rows that came out with a finished job and a stored file. */
export function goodRows(items: INodeExecutionData[]): number {
	return items.filter((item) => item.json.status === 'COMPLETED' && item.binary?.data !== undefined && !item.json.error).length;
}

/** runSeedream only reads the simulator's url and key. */
function asSimulator(sim: SimProcess): Simulator {
	return { url: sim.url, apiKey: sim.apiKey } as Simulator;
}

export async function runNodeOnce(sim: SimProcess, o: NodeRunOptions, label: string): Promise<NodeRun & { items: INodeExecutionData[] }> {
	useTestTimeScale(o.timeScale);
	await sim.reset(freshKey(label));
	const prompt = o.prompt ?? defaultPrompt;
	const items = rows(Array.from({ length: o.rows }, (_, i) => prompt(i)));
	const cpuBefore = process.cpuUsage();
	const result = await runSeedream({ sim: asSimulator(sim), parameters: generateParameters(o.parameters ?? {}), items, continueOnFail: true });
	const cpu = process.cpuUsage(cpuBefore);
	let out: INodeExecutionData[] = [];
	try {
		out = result.output('Seedream');
	} catch {
		out = [];
	}
	const rowsOut = goodRows(out);
	const ideal = idealMs(o.rows, o.maxConcurrentJobs) * o.timeScale;
	return {
		wallMs: round(result.durationMs, 1),
		ratio: round(result.durationMs / ideal, 3),
		rowsOut,
		rowsLost: o.rows - rowsOut,
		executionStatus: result.status,
		cpuMsPerRow: round((cpu.user + cpu.system) / 1000 / o.rows, 2),
		traffic: analyseTraffic(await sim.requests(), await sim.jobs(), o.timeScale, o.maxConcurrentJobs),
		items: out,
	};
}
