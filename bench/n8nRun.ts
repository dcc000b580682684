/**
 * What every real-n8n run of the benchmark shares: a simulator child for the shape, a fresh
 * account, a credential and a workflow imported, `n8n execute`, and the figures read back.
 */
import type { RecordedRequest } from '../test/simulator';
import type { N8nCredential, N8nInstance } from '../test/e2e/n8n';
import { createInstance, destroyInstance, execute, importCredentials, importWorkflow, prepareN8n, stopAll } from '../test/e2e/n8n';
import { idealMs } from './config';
import type { ScenarioShape } from './nodeScenario';
import { simulatorOptions } from './nodeScenario';
import { REPO_ROOT, freshKey, startSimProcess } from './simProcess';
import { round } from './stats';
import type { Traffic } from './traffic';
import { analyseTraffic } from './traffic';

/** A workflow node as the benchmark's workflows write them: ids derived from the name. */
export function benchNode(prefix: string) {
	return (name: string, type: string, typeVersion: number, x: number, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
		id: `${prefix}-${name.toLowerCase().replace(/[^a-z]+/g, '-')}`,
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...extra,
	});
}

export interface N8nRunFigures {
	wallMs: number;
	ratio: number;
	rowsOut: number;
	rowsLost: number;
	traffic: Traffic;
	runData: Record<string, any[]> | undefined;
	executionStatus: string;
	error?: string;
}

export async function runInN8n(
	instance: N8nInstance,
	shape: ScenarioShape,
	label: string,
	build: (account: { apiKey: string; simUrl: string }) => { credential: N8nCredential; workflow: Record<string, unknown> },
	/** Rows that came out with their image, read from the execution's run data. */
	rowsOutOf: (runData: Record<string, any[]> | undefined) => number,
): Promise<N8nRunFigures> {
	const sim = await startSimProcess(simulatorOptions(shape));
	try {
		const apiKey = freshKey(label);
		await sim.reset(apiKey);
		const { credential, workflow } = build({ apiKey, simUrl: sim.url });
		await importCredentials(instance, [credential]);
		const result = await execute(instance, await importWorkflow(instance, workflow), { timeoutMs: 900_000 });
		const run = result.json ?? {};
		const requests: RecordedRequest[] = await sim.requests();
		// The execution's own clock when n8n printed it; else first to last request the API saw.
		const stopped = Date.parse(run.stoppedAt) - Date.parse(run.startedAt);
		const wallMs = Number.isFinite(stopped) ? stopped : Date.parse(requests[requests.length - 1]?.at) - Date.parse(requests[0]?.at);
		const error = run.data?.resultData?.error?.message ?? (result.code === 0 ? undefined : `n8n execute exited ${result.code}`);
		const runData = run.data?.resultData?.runData;
		const rowsOut = rowsOutOf(runData);
		return {
			wallMs,
			ratio: round(wallMs / (idealMs(shape.rows, shape.maxConcurrentJobs) * shape.timeScale), 3),
			rowsOut,
			rowsLost: shape.rows - rowsOut,
			traffic: analyseTraffic(requests, await sim.jobs(), shape.timeScale, shape.maxConcurrentJobs),
			runData,
			executionStatus: String(run.status ?? (result.code === 0 ? 'success' : 'error')),
			...(error ? { error: String(error).slice(0, 300) } : {}),
		};
	} finally {
		await sim.close();
	}
}

/** Runs each shape once in one throwaway n8n with this package; installs n8n into the cache on first use. */
export async function eachShapeInN8n<T>(shapes: ScenarioShape[], runOne: (instance: N8nInstance, shape: ScenarioShape, index: number) => Promise<T>): Promise<T[]> {
	const instance = await createInstance({ packageDir: REPO_ROOT, paths: await prepareN8n() });
	try {
		const results: T[] = [];
		for (const [index, shape] of shapes.entries()) results.push(await runOne(instance, shape, index + 1));
		return results;
	} finally {
		await destroyInstance(instance);
		await stopAll();
	}
}
