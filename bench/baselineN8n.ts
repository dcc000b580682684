/**
 * Baseline (b): the guide's HTTP Request + Wait loop (guideWorkflow.ts) executed by a real
 * n8n 2.41.1 (`n8n execute`, from test/e2e/n8n.ts) against the simulator in a child process.
 * n8n's Wait node sleeps real seconds, so its 2 s wait is multiplied by the same time scale as
 * the simulator; the time scale is larger than the in-process scenarios' because every loop
 * turn of real n8n also costs real milliseconds of engine work.
 */
import { BASELINE_POLL_MS, idealMs } from './config';
import type { BaselineRun } from './baselineSequential';
import { DOWNLOAD_NODE, HEADER_CREDENTIAL, WAIT_NODE, guideWorkflow } from './guideWorkflow';
import type { ScenarioShape } from './nodeScenario';
import { defaultPrompt, simulatorOptions } from './nodeScenario';
import { REPO_ROOT, freshKey, startSimProcess } from './simProcess';
import { round } from './stats';
import { analyseTraffic } from './traffic';
import type { N8nInstance } from '../test/e2e/n8n';
import { createInstance, destroyInstance, execute, importCredentials, importWorkflow, prepareN8n, stopAll } from '../test/e2e/n8n';

export interface GuideRun extends BaselineRun {
	waitSeconds: number;
	loopTurns: number;
	executionStatus: string;
	error?: string;
}

interface RunDataEntry {
	data?: { main?: Array<Array<{ binary?: unknown }> | null> };
}

function downloadedRows(runData: Record<string, RunDataEntry[]> | undefined): number {
	const runs = runData?.[DOWNLOAD_NODE] ?? [];
	return runs.reduce((sum, run) => sum + (run.data?.main?.[0] ?? []).filter((item) => item.binary).length, 0);
}

async function runOne(instance: N8nInstance, shape: ScenarioShape, index: number): Promise<GuideRun> {
	const sim = await startSimProcess(simulatorOptions(shape));
	try {
		const key = freshKey('guide');
		await sim.reset(key);
		await importCredentials(instance, [{ ...HEADER_CREDENTIAL, type: 'httpHeaderAuth', data: { name: 'X-API-Key', value: key } }]);
		const waitSeconds = round((BASELINE_POLL_MS / 1000) * shape.timeScale, 2);
		const prompts = Array.from({ length: shape.rows }, (_, i) => defaultPrompt(i));
		const id = await importWorkflow(instance, guideWorkflow(`benchGuide${index}`, sim.url, prompts, waitSeconds));
		const result = await execute(instance, id, { timeoutMs: 600_000 });
		const run = result.json ?? {};
		const runData = run.data?.resultData?.runData as Record<string, RunDataEntry[]> | undefined;
		const started = Date.parse(run.startedAt);
		const stopped = Date.parse(run.stoppedAt);
		const requests = await sim.requests();
		// The execution's own clock when n8n printed it; else first to last request the API saw.
		const wallMs = Number.isFinite(stopped - started)
			? stopped - started
			: Date.parse(requests[requests.length - 1]?.at) - Date.parse(requests[0]?.at);
		const rowsOut = downloadedRows(runData);
		const error = run.data?.resultData?.error?.message ?? (result.code === 0 ? undefined : `n8n execute exited ${result.code}`);
		return {
			wallMs,
			ratio: round(wallMs / (idealMs(shape.rows, shape.maxConcurrentJobs) * shape.timeScale), 3),
			rowsOut,
			rowsLost: shape.rows - rowsOut,
			traffic: analyseTraffic(requests, await sim.jobs(), shape.timeScale, shape.maxConcurrentJobs),
			waitSeconds,
			loopTurns: runData?.[WAIT_NODE]?.length ?? 0,
			executionStatus: String(run.status ?? (result.code === 0 ? 'success' : 'error')),
			...(error ? { error: String(error).slice(0, 300) } : {}),
		};
	} finally {
		await sim.close();
	}
}

/** Runs each shape once in one throwaway n8n instance; installs n8n into the cache on first use. */
export async function runGuideBaseline(shapes: ScenarioShape[]): Promise<GuideRun[]> {
	const paths = await prepareN8n();
	const instance = await createInstance({ packageDir: REPO_ROOT, paths });
	try {
		const results: GuideRun[] = [];
		for (const [index, shape] of shapes.entries()) results.push(await runOne(instance, shape, index + 1));
		return results;
	} finally {
		await destroyInstance(instance);
		await stopAll();
	}
}
