/**
 * S3's measured process: a fresh Node process that runs only n8n's engine with the Seedream
 * node (the simulator and the file server live in other processes). Started by s3.ts with
 * fork(); receives its settings by IPC, answers with its figures, exits.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { cleanupHarness } from '../test/harness';
import type { Simulator } from '../test/simulator';
import { generateParameters, rows, runSeedream, useTestTimeScale } from '../test/support/seedream';
import type { MemoryFigures } from './memory';
import { growth, memoryNow, settledBaseline, startSampler } from './memory';
import { goodRows } from './nodeScenario';

export interface S3WorkerInput {
	simUrl: string;
	apiKey: string;
	warmupKey: string;
	rows: number;
	timeScale: number;
	sampleIntervalMs: number;
}

export interface S3WorkerOutput {
	wallMs: number;
	rowsOut: number;
	executionStatus: string;
	imageBytes: number[];
	baseline: MemoryFigures;
	peak: MemoryFigures;
	growth: MemoryFigures;
	afterRun: MemoryFigures;
	samples: number;
	maxSampleGapMs: number;
	gcExposed: boolean;
}

const parameters = generateParameters({ size: '4K', options: { outputFormat: 'png' } });
const bytesOf = (items: INodeExecutionData[]) => items.map((item) => Number((item.binary?.data as { bytes?: number } | undefined)?.bytes ?? 0));

async function measure(input: S3WorkerInput): Promise<S3WorkerOutput> {
	useTestTimeScale(input.timeScale);
	const prompts = (n: number) => Array.from({ length: n }, (_, i) => `a harbour at dawn in 4K, row ${i + 1}`);
	// Warm-up: one row through the same path, so module loading and JIT are not counted as growth.
	const warm = await runSeedream({ sim: { url: input.simUrl, apiKey: input.warmupKey } as Simulator, parameters, items: rows(prompts(1)) });
	if (goodRows(warm.output('Seedream')) !== 1) throw new Error('S3 warm-up row did not produce a file');
	const baseline = await settledBaseline();
	const sampler = startSampler(input.sampleIntervalMs);
	const result = await runSeedream({
		sim: { url: input.simUrl, apiKey: input.apiKey } as Simulator,
		parameters,
		items: rows(prompts(input.rows)),
		continueOnFail: true,
	});
	const { peak, samples, maxGapMs } = sampler.stop();
	const afterRun = memoryNow();
	let out: INodeExecutionData[] = [];
	try {
		out = result.output('Seedream');
	} catch {
		out = [];
	}
	return {
		wallMs: Math.round(result.durationMs),
		rowsOut: goodRows(out),
		executionStatus: result.status,
		imageBytes: bytesOf(out),
		baseline,
		peak,
		growth: growth(peak, baseline),
		afterRun,
		samples,
		maxSampleGapMs: maxGapMs,
		gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
	};
}

process.once('message', (input: S3WorkerInput) => {
	measure(input)
		.then(async (output) => {
			await cleanupHarness();
			process.send!({ ok: true, output }, () => process.exit(0));
		})
		.catch(async (error: Error) => {
			await cleanupHarness().catch(() => undefined);
			process.send!({ ok: false, error: error.stack ?? String(error) }, () => process.exit(1));
		});
});
