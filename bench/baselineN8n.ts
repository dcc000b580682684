/**
 * Baseline (b): the guide's HTTP Request + Wait loop (guideWorkflow.ts) executed by a real
 * n8n 2.41.1 (`n8n execute`, from test/e2e/n8n.ts) against the simulator in a child process.
 * n8n's Wait node sleeps real seconds, so its 2 s wait is multiplied by the same time scale as
 * the simulator; the time scale is larger than the in-process scenarios' because every loop
 * turn of real n8n also costs real milliseconds of engine work.
 */
import { BASELINE_POLL_MS } from './config';
import type { BaselineRun } from './baselineSequential';
import { DOWNLOAD_NODE, HEADER_CREDENTIAL, WAIT_NODE, guideWorkflow } from './guideWorkflow';
import type { ScenarioShape } from './nodeScenario';
import { eachShapeInN8n, runInN8n } from './n8nRun';
import { defaultPrompt } from './nodeScenario';
import { round } from './stats';
import type { N8nInstance } from '../test/e2e/n8n';

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
	const waitSeconds = round((BASELINE_POLL_MS / 1000) * shape.timeScale, 2);
	const prompts = Array.from({ length: shape.rows }, (_, i) => defaultPrompt(i));
	const { runData, ...figures } = await runInN8n(
		instance,
		shape,
		'guide',
		({ apiKey, simUrl }) => ({
			credential: { ...HEADER_CREDENTIAL, type: 'httpHeaderAuth', data: { name: 'X-API-Key', value: apiKey } },
			workflow: guideWorkflow(`benchGuide${index}`, simUrl, prompts, waitSeconds),
		}),
		downloadedRows,
	);
	return { ...figures, waitSeconds, loopTurns: runData?.[WAIT_NODE]?.length ?? 0 };
}

/** Runs each shape once in one throwaway n8n instance; installs n8n into the cache on first use. */
export async function runGuideBaseline(shapes: ScenarioShape[]): Promise<GuideRun[]> {
	return await eachShapeInN8n(shapes, runOne);
}
