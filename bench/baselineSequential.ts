/**
 * Baseline (a): what other image nodes do — one row at a time: submit, poll every 2 s, download,
 * next row. Plain HTTP from this process (the tooling's axios client), no n8n in between, so the
 * figure is the approach's best case.
 */
import { BASELINE_POLL_MS, idealMs } from './config';
import type { ScenarioShape } from './nodeScenario';
import { defaultPrompt } from './nodeScenario';
import type { SimProcess } from './simProcess';
import { freshKey } from './simProcess';
import { round } from './stats';
import type { Traffic } from './traffic';
import { analyseTraffic } from './traffic';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';

import { drain, header, http, isOk } from '../test/support/http';
import { sleep } from '../test/support/waiting';

export interface BaselineRun {
	wallMs: number;
	ratio: number;
	rowsOut: number;
	rowsLost: number;
	traffic: Traffic;
	note?: string;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** One call; on 429 waits the Retry-After and tries again (a fair baseline does at least that). */
async function call<T>(config: AxiosRequestConfig, scale: number): Promise<AxiosResponse<T>> {
	for (let attempt = 1; ; attempt++) {
		const res = await http.request<T>(config);
		if (res.status !== 429 || attempt >= 8) return res;
		const retryAfter = Number(header(res, 'retry-after'));
		await sleep(Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000 * scale);
	}
}

async function oneRow(sim: SimProcess, prompt: string, scale: number): Promise<boolean> {
	const headers = { 'X-API-Key': sim.apiKey, 'Content-Type': 'application/json' };
	const body = { model: 'seedream-4.5', prompt, seedreamParams: { output_format: 'png' } };
	const submitted = await call<{ jobId: string }>({ method: 'POST', url: `${sim.url}/v2/images/generate`, headers, data: body }, scale);
	if (submitted.status !== 202) return false;
	const { jobId } = submitted.data;
	let job: { status: string; result?: { images?: string[] } };
	do {
		await sleep(BASELINE_POLL_MS * scale);
		const res = await call<typeof job>({ method: 'GET', url: `${sim.url}/v2/jobs/${jobId}`, headers }, scale);
		if (!isOk(res.status)) return false;
		job = res.data;
	} while (!TERMINAL.has(job.status));
	const url = job.result?.images?.[0];
	if (job.status !== 'COMPLETED' || !url) return false;
	// Read to the end and counted, not kept: the file only has to arrive whole.
	const file = await drain(url, () => {});
	return isOk(file.status) && file.length > 0;
}

export async function runSequential(sim: SimProcess, shape: ScenarioShape, label: string): Promise<BaselineRun> {
	await sim.reset(freshKey(label));
	const started = performance.now();
	let rowsOut = 0;
	for (let i = 0; i < shape.rows; i++) {
		if (await oneRow(sim, defaultPrompt(i), shape.timeScale)) rowsOut++;
	}
	const wallMs = performance.now() - started;
	return {
		wallMs: round(wallMs, 1),
		ratio: round(wallMs / (idealMs(shape.rows, shape.maxConcurrentJobs) * shape.timeScale), 3),
		rowsOut,
		rowsLost: shape.rows - rowsOut,
		traffic: analyseTraffic(await sim.requests(), await sim.jobs(), shape.timeScale, shape.maxConcurrentJobs),
	};
}
