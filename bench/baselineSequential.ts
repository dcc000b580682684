/**
 * Baseline (a): what other image nodes do — one row at a time: submit, poll every 2 s, download,
 * next row. Plain HTTP from this process (global fetch), no n8n in between, so the figure is
 * the approach's best case.
 */
import { BASELINE_POLL_MS, idealMs } from './config';
import type { ScenarioShape } from './nodeScenario';
import { defaultPrompt } from './nodeScenario';
import type { SimProcess } from './simProcess';
import { freshKey } from './simProcess';
import { round } from './stats';
import type { Traffic } from './traffic';
import { analyseTraffic } from './traffic';
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
async function call(url: string, init: RequestInit, scale: number): Promise<Response> {
	for (let attempt = 1; ; attempt++) {
		const res = await fetch(url, init);
		if (res.status !== 429 || attempt >= 8) return res;
		await res.arrayBuffer();
		const retryAfter = Number(res.headers.get('retry-after'));
		await sleep(Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000 * scale);
	}
}

async function oneRow(sim: SimProcess, prompt: string, scale: number): Promise<boolean> {
	const headers = { 'X-API-Key': sim.apiKey, 'Content-Type': 'application/json' };
	const body = JSON.stringify({ model: 'seedream-4.5', prompt, seedreamParams: { output_format: 'png' } });
	const submitted = await call(`${sim.url}/v2/images/generate`, { method: 'POST', headers, body }, scale);
	if (submitted.status !== 202) return false;
	const { jobId } = (await submitted.json()) as { jobId: string };
	let job: { status: string; result?: { images?: string[] } };
	do {
		await sleep(BASELINE_POLL_MS * scale);
		const res = await call(`${sim.url}/v2/jobs/${jobId}`, { headers }, scale);
		if (!res.ok) return false;
		job = (await res.json()) as typeof job;
	} while (!TERMINAL.has(job.status));
	const url = job.result?.images?.[0];
	if (job.status !== 'COMPLETED' || !url) return false;
	const file = await fetch(url);
	const bytes = (await file.arrayBuffer()).byteLength;
	return file.ok && bytes > 0;
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
