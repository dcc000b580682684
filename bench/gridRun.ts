/**
 * `npm run bench` (or `npm run bench -- --grid`): the grid of conditions users meet, one table.
 * `--out FILE` writes the results there instead of bench/results.json; `--table FILE` only
 * prints the table of an earlier run's results (e.g. bench/results-grid-before.json).
 */
import * as fs from 'fs';
import * as path from 'path';

import type { GridRow } from './grid';
import { runCondition } from './grid';
import { DURATIONS, GRID, GRID_TARGETS, describeCondition, selectedConditions } from './gridConditions';
import type { FailedRow } from './gridReport';
import { gridSummary, gridTable, summaryLine } from './gridReport';
import { machineInfo } from './machine';
import { NODE_PARAMETERS } from './scenarios';
import { round } from './stats';

function outFile(argv: string[]): string {
	const i = argv.indexOf('--out');
	return i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]) : path.join(__dirname, 'results.json');
}

function printStored(file: string, log: (line: string) => void): void {
	const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { date: string; machine: { gitCommit?: string }; rows: Array<GridRow | FailedRow> };
	log(`${path.relative(process.cwd(), file)}: run of ${stored.date}, commit ${stored.machine.gitCommit ?? '?'}`);
	log('');
	log(gridTable(stored.rows));
	log('');
	log(summaryLine(gridSummary(stored.rows)));
}

export async function runGridCommand(argv: string[], log: (line: string) => void): Promise<void> {
	const table = argv.indexOf('--table');
	if (table >= 0) return printStored(path.resolve(argv[table + 1] ?? path.join(__dirname, 'results.json')), log);
	const conditions = selectedConditions();
	const startedAt = new Date();
	const started = performance.now();
	log(`Seedream benchmark grid — ${conditions.length} conditions, account limit ${GRID.cap} when there is one, ${GRID.rateLimitPerMinute} requests/min (scaled window)`);
	const rows: Array<GridRow | FailedRow> = [];
	for (const [i, c] of conditions.entries()) {
		log(`» ${i + 1}/${conditions.length} ${describeCondition(c)}`);
		try {
			rows.push(await runCondition(c, log));
		} catch (error) {
			const message = (error as Error).stack ?? String(error);
			log(`  ${c.id} failed: ${message.split('\n')[0]}`);
			rows.push({ id: c.id, description: describeCondition(c), error: message.slice(0, 2000) });
		}
	}
	const totalSeconds = round((performance.now() - started) / 1000, 1);
	const summary = gridSummary(rows);
	const file = outFile(argv);
	const results = {
		benchmark: 'n8n-nodes-seedream: the grid of conditions users meet (node through n8n-core against the Apiframe v2 simulator)',
		command: 'npm run bench',
		date: startedAt.toISOString(),
		durationSeconds: { total: totalSeconds, ...Object.fromEntries(rows.map((r) => [r.id, 'rowSeconds' in r ? r.rowSeconds : null])) },
		machine: machineInfo(),
		settings: {
			durations: DURATIONS,
			grid: GRID,
			nodeParameters: NODE_PARAMETERS,
			only: process.env.BENCH_GRID_ONLY ?? null,
			notes: [
				'Each condition: a fresh simulator process and one or two fresh engine processes (n8n-core WorkflowExecute with the built node), one fresh API key shared by the processes.',
				'Warm: each process first runs a batch of half its rows with the same key; the simulator then forgets jobs, requests and rate counters, and the measured batch runs.',
				'Physical limit: ceil(N / limit) × L for fixed durations; for lognormal durations, list scheduling of the jobs\' real durations on the limit (S4\'s ownLimitMs).',
				'API requests per job: (submits + every other /v2 call) ÷ jobs created; downloads (/files/) apart.',
				'In flight: jobs created and not finished (running or queued). "After look": the most in flight right after a job created once the first job has finished.',
				'Two processes: each runs N/2 rows at the same time; wall = first start to last end.',
				'The node and the simulator share one time scale (setTimeScale); engine CPU does not scale.',
			],
		},
		targets: GRID_TARGETS,
		summary,
		rows,
	};
	fs.writeFileSync(file, `${JSON.stringify(results, null, '\t')}\n`);
	log('');
	log(gridTable(rows));
	log('');
	log(summaryLine(summary));
	log(`Wrote ${path.relative(process.cwd(), file)} (${totalSeconds} s in all).`);
}
