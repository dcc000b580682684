/**
 * `npm run bench`: the grid of conditions users meet (gridRun.ts), one table.
 * `npm run bench -- --scenarios`: the earlier scenarios — S1–S4, the two baselines, the node in a
 * real n8n, queue mode — next to the two ways users batch images today.
 * Both print a table and write bench/results.json (`--out FILE` for another file).
 * Settings: bench/config.ts, bench/gridConditions.ts (environment variables BENCH_*). README: bench/README.md.
 */
import * as fs from 'fs';
import * as path from 'path';

import { cleanupHarness } from '../test/harness';
import { runGuideBaseline } from './baselineN8n';
import { BASELINE_POLL_MS, LATENCY_SPREAD_MS, S1, S2, SIMULATED_LATENCY_MS, TARGETS, readSettings } from './config';
import { machineInfo } from './machine';
import type { ScenarioShape } from './nodeScenario';
import type { GuideResult, Scenarios } from './report';
import { diagnosticLines, table, verdictLines, verdicts } from './report';
import { runNodeInN8n } from './nodeInN8n';
import { runS3 } from './s3';
import { runQueueMode } from './queueMode';
import { runGridCommand } from './gridRun';
import { runS4 } from './s4';
import { NODE_PARAMETERS, describeShape, runNodeScenario, runSequentialScenario } from './scenarios';

const log = (line: string) => console.log(line);

async function timed<T>(phases: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
	const started = performance.now();
	log(`» ${name}`);
	try {
		return await fn();
	} finally {
		phases[name] = Math.round((performance.now() - started) / 100) / 10;
		log(`  (${phases[name]} s)`);
	}
}

async function runScenarios(): Promise<void> {
	const settings = readSettings();
	const phases: Record<string, number> = {};
	const startedAt = new Date();
	const started = performance.now();
	const shape = (base: typeof S1 | typeof S2, timeScale: number): ScenarioShape => ({ ...base, timeScale, imageScale: settings.imageScale });
	log(`Seedream batch benchmark — L = ${SIMULATED_LATENCY_MS / 1000} s simulated, spread ${LATENCY_SPREAD_MS} ms (every job takes exactly L, so the limit is exactly 1.0)`);

	const s1 = await timed(phases, 'S1: 50 rows, no cap (node defaults)', () => runNodeScenario('S1', shape(S1, settings.s1TimeScale), settings.s1Repeats, NODE_PARAMETERS, log));
	const runUnlimited = settings.s1Unlimited === 'always' || (settings.s1Unlimited === 'auto' && s1.median.ratio > 2);
	const s1Unlimited = runUnlimited
		? await timed(phases, 'S1 with Max Running Jobs = 50', () =>
				runNodeScenario('S1-max50', shape(S1, settings.s1TimeScale), settings.s1Repeats, { ...NODE_PARAMETERS, outputOptions: { maxRunningJobs: S1.rows } }, log),
			)
		: undefined;
	const s2 = await timed(phases, 'S2: 200 rows, cap 10, 500 requests/min', () => runNodeScenario('S2', shape(S2, settings.s2TimeScale), settings.s2Repeats, NODE_PARAMETERS, log));
	const s3 = await timed(phases, 'S3: 50 rows of 4K PNG, memory (engine in a fresh child process)', () => runS3(settings.s3TimeScale));
	log(`  S3: peak RSS growth ${(s3.peakGrowth.rss / 1048576).toFixed(1)} MiB of ${(s3.totalImageBytes / 1048576).toFixed(0)} MiB images (${(s3.rssShare * 100).toFixed(2)}%), ${s3.rowsLost} rows lost`);
	const s4 = await timed(phases, 'S4: 30 rows, lognormal durations, each progress curve, no cap and a hidden cap of 3', () =>
		runS4(settings.s4TimeScale, settings.imageScale, NODE_PARAMETERS, log),
	);
	const sequential = {
		s1: await timed(phases, 'Baseline (a) one row at a time, S1 settings', () => runSequentialScenario('a-S1', shape(S1, settings.sequentialTimeScale), log)),
		s2: await timed(phases, 'Baseline (a) one row at a time, S2 settings', () => runSequentialScenario('a-S2', shape(S2, settings.sequentialTimeScale), log)),
	};
	let guide: Scenarios['guide'] = { skipped: 'BENCH_SKIP_N8N=1' };
	if (!settings.skipN8n) {
		try {
			guide = await timed(phases, 'Baseline (b) guide loop in real n8n, S1 and S2 settings', async () => {
				const shapes = [shape(S1, settings.n8nTimeScale), shape(S2, settings.n8nTimeScale)];
				const [r1, r2] = await runGuideBaseline(shapes);
				for (const [name, r] of [['S1', r1], ['S2', r2]] as const) {
					log(`  b-${name}: wall/limit ${r.ratio}, ${r.traffic.requestsPerJob} requests/job, ${r.traffic.status429} × 429, ${r.rowsLost} rows lost${r.error ? ` (${r.error})` : ''}`);
				}
				const result = (settingsShape: ScenarioShape, run: typeof r1): GuideResult => ({ settings: describeShape(settingsShape), run });
				return { s1: result(shapes[0], r1), s2: result(shapes[1], r2) };
			});
		} catch (error) {
			guide = { skipped: `failed: ${(error as Error).message.slice(0, 500)}` };
			log(`  baseline (b) ${guide.skipped}`);
		}
	}
	let nodeInN8n: Scenarios['nodeInN8n'] = { skipped: 'BENCH_SKIP_N8N=1' };
	if (!settings.skipN8n) {
		try {
			nodeInN8n = await timed(phases, 'Seedream node in a real n8n, S1 and S2 settings (real time)', async () => {
				const [r1, r2] = await runNodeInN8n([shape(S1, 1), shape(S2, 1)]);
				for (const [name, r] of [['S1', r1], ['S2', r2]] as const) {
					log(`  n8n-${name}: wall/limit ${r.ratio}, ${r.traffic.requestsPerJob} requests/job, ${r.traffic.status429} × 429, ${r.traffic.jobs} jobs, ${r.rowsLost} rows lost${r.error ? ` (${r.error})` : ''}`);
				}
				return { s1: r1, s2: r2 };
			});
		} catch (error) {
			nodeInN8n = { skipped: `failed: ${(error as Error).message.slice(0, 500)}` };
			log(`  node in n8n ${nodeInN8n.skipped}`);
		}
	}
	let queueMode: Scenarios['queueMode'] = { skipped: 'BENCH_SKIP_N8N=1' };
	if (!settings.skipN8n) {
		try {
			queueMode = await timed(phases, "Queue mode: 1,000 rows over two workers, and S3 in database mode (real n8n, Postgres, Redis)", () => runQueueMode(log));
		} catch (error) {
			queueMode = { skipped: `failed: ${(error as Error).message.slice(0, 500)}` };
			log(`  queue mode ${queueMode.skipped}`);
		}
	}
	await cleanupHarness();

	const scenarios: Scenarios = { s1, s1Unlimited, s2, s3, sequential, guide, s4, nodeInN8n, queueMode };
	const list = verdicts(scenarios);
	phases.total = Math.round((performance.now() - started) / 100) / 10;
	const results = {
		benchmark: 'n8n-nodes-seedream: batches through n8n against the Apiframe v2 simulator',
		command: 'npm run bench -- --scenarios',
		date: startedAt.toISOString(),
		durationSeconds: phases,
		machine: machineInfo(),
		settings: {
			...settings,
			simulatedLatencyMs: SIMULATED_LATENCY_MS,
			latencySpreadMs: LATENCY_SPREAD_MS,
			s4: 'lognormal durations (mean 15 s, seed 20261201), progress curves linear/stepped/late-start/none, no cap and a hidden cap of 3; the yardstick is each run\'s own limit from the job log',
			baselinePollMs: BASELINE_POLL_MS,
			nodeParameters: NODE_PARAMETERS,
			notes: [
				'Ratios are wall time ÷ the best possible time ceil(N / cap) × L (no cap: L); L = 15 s simulated, multiplied by the time scale.',
				'Latency spread 0: every job takes exactly L, so a ratio of 1.0 really is the limit.',
				'Node and simulator use the same time scale (setTimeScale), so polling and backoff keep their real proportions; CPU work does not scale, hence a scale per scenario.',
				'The simulator runs in a child process in every scenario; S3 runs the engine in a fresh child process of its own.',
				'PNG output in S1/S2/baselines: the simulator encodes JPEG at ~22 ms per image whatever the size, a much slower CDN than the real one.',
				"S3 serves a 4096×4096 PNG of photographic size from a stand-in CDN (the simulator's own 4K PNG is a smooth gradient of ~0.35 MB).",
				'Baseline (b) runs in a real n8n at time scale 1 by default: its Wait node and engine cost real time.',
			],
		},
		targets: TARGETS,
		verdicts: list,
		scenarios,
	};
	const out = process.argv.indexOf('--out');
	const file = out >= 0 && process.argv[out + 1] ? path.resolve(process.argv[out + 1]) : path.join(__dirname, 'results.json');
	fs.writeFileSync(file, `${JSON.stringify(results, null, '\t')}\n`);

	log('');
	log(table(scenarios));
	log('');
	log(verdictLines(list));
	log('');
	log(diagnosticLines(scenarios));
	log('');
	log(`Wrote ${path.relative(process.cwd(), file)} (${phases.total} s in all).`);
}

const main = () => (process.argv.includes('--scenarios') ? runScenarios() : runGridCommand(process.argv.slice(2), log));

main().then(
	() => process.exit(0),
	async (error: Error) => {
		console.error(error.stack ?? error);
		await cleanupHarness().catch(() => undefined);
		process.exit(1);
	},
);
