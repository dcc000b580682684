/**
 * What every real-n8n run of the benchmark shares: a simulator child for the shape, a fresh
 * account, a credential and a workflow imported, `n8n execute`, and the figures read back.
 */
import type { RecordedRequest } from '../test/simulator';
import type { N8nCredential, N8nInstance } from '../test/e2e/n8n';
import { execute, importCredentials, importWorkflow } from '../test/e2e/n8n';
import { idealMs } from './config';
import type { ScenarioShape } from './nodeScenario';
import { simulatorOptions } from './nodeScenario';
import { freshKey, startSimProcess } from './simProcess';
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
		return {
			wallMs,
			ratio: round(wallMs / (idealMs(shape.rows, shape.maxConcurrentJobs) * shape.timeScale), 3),
			traffic: analyseTraffic(requests, await sim.jobs(), shape.timeScale, shape.maxConcurrentJobs),
			runData: run.data?.resultData?.runData,
			executionStatus: String(run.status ?? (result.code === 0 ? 'success' : 'error')),
			...(error ? { error: String(error).slice(0, 300) } : {}),
		};
	} finally {
		await sim.close();
	}
}
