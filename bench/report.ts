/** The table printed at the end (Markdown, so the README can show it as is) and the verdicts. */
import { TARGETS } from './config';
import type { GuideRun } from './baselineN8n';
import type { NodeInN8nRun } from './nodeInN8n';
import type { QueueModeResult } from './queueMode';
import type { S4Run } from './s4';
import type { S3Result } from './s3';
import type { NodeScenarioResult, SequentialResult, ShapeSettings } from './scenarios';

export interface GuideResult {
	settings: ShapeSettings;
	run: GuideRun;
}

export interface Scenarios {
	s1: NodeScenarioResult;
	s1Unlimited?: NodeScenarioResult;
	s2: NodeScenarioResult;
	s3: S3Result;
	sequential: { s1: SequentialResult; s2: SequentialResult };
	guide: { s1: GuideResult; s2: GuideResult } | { skipped: string };
	s4: S4Run[];
	/** The node itself in a real n8n, S1 and S2 shapes at real time. */
	nodeInN8n: { s1: NodeInN8nRun; s2: NodeInN8nRun } | { skipped: string };
	/** n8n's queue mode: 1,000 rows over two workers, and S3 with binary data in the database. */
	queueMode: QueueModeResult | { skipped: string };
}

export interface Verdict {
	target: string;
	figure: number;
	limit: string;
	met: boolean;
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function verdicts(s: Scenarios): Verdict[] {
	const s2 = s.s2;
	return [
		{ target: 'S1 wall ÷ L (median)', figure: s.s1.median.ratio, limit: `≤ ${TARGETS.s1Ratio}`, met: s.s1.median.ratio <= TARGETS.s1Ratio },
		{ target: 'S2 wall ÷ (ceil(200/10) × L) (median)', figure: s2.median.ratio, limit: `≤ ${TARGETS.s2Ratio}`, met: s2.median.ratio <= TARGETS.s2Ratio },
		{ target: 'S2 rows lost (worst repeat)', figure: s2.worst.rowsLost, limit: '= 0', met: s2.worst.rowsLost === 0 },
		{ target: 'S2 jobs created ≠ 200 (worst repeat)', figure: s2.worst.jobsOffBy, limit: '= 0', met: s2.worst.jobsOffBy === 0 },
		{ target: 'S2 requests per job (median)', figure: s2.median.requestsPerJob, limit: `≤ ${TARGETS.requestsPerJob}`, met: s2.median.requestsPerJob <= TARGETS.requestsPerJob },
		{ target: 'S3 peak RSS growth ÷ image bytes', figure: s.s3.rssShare, limit: `≤ ${TARGETS.s3MemoryShare}`, met: s.s3.rssShare <= TARGETS.s3MemoryShare },
		...s.s4.map((run) => ({
			target: `S4 ${run.cap ? `cap ${run.cap}` : 'no cap'}, ${run.curve} progress: wall ÷ own limit`,
			figure: run.ratio,
			limit: `≤ ${TARGETS.s4Ratio}`,
			met: run.ratio <= TARGETS.s4Ratio && run.rowsLost === 0,
		})),
		...('q1' in s.queueMode ? queueVerdicts(s.queueMode) : []),
	];
}

function queueVerdicts(q: QueueModeResult): Verdict[] {
	const rows = q.settings.rows;
	return [
		{ target: `Queue mode, ${rows} rows over two workers: wall ÷ (ceil(${rows}/${q.settings.cap}) × L)`, figure: q.q1.ratio, limit: `≤ ${TARGETS.queueRatio}`, met: q.q1.ratio <= TARGETS.queueRatio },
		{ target: 'Queue mode: rows lost', figure: q.q1.rowsLost, limit: '= 0', met: q.q1.rowsLost === 0 },
		{ target: `Queue mode: jobs created ≠ ${rows}`, figure: Math.abs(q.q1.jobs - rows), limit: '= 0', met: q.q1.jobs === rows },
		{ target: 'S3 in database mode (queue-mode worker): peak RSS growth ÷ image bytes', figure: q.q2.share, limit: `≤ ${TARGETS.s3MemoryShare}`, met: q.q2.share <= TARGETS.s3MemoryShare },
	];
}

type Row = [string, string, string, string, string, string, string, string, string];

function nodeRow(scenario: string, how: string, r: NodeScenarioResult): Row {
	return [scenario, how, String(r.settings.timeScale), String(r.repeats.length), `**${fmt(r.median.ratio)}**`, fmt(r.median.requestsPerJob, 1), String(r.median.status429), String(r.median.jobs), String(r.median.rowsLost)];
}

function baselineRow(scenario: string, how: string, timeScale: number, run: { ratio: number; rowsLost: number; traffic: { requestsPerJob: number; status429: number; jobs: number } }, failed?: string): Row {
	const ratio = failed ? `failed after ${fmt(run.ratio)}` : fmt(run.ratio);
	return [scenario, how, String(timeScale), '1', ratio, fmt(run.traffic.requestsPerJob, 1), String(run.traffic.status429), String(run.traffic.jobs), String(run.rowsLost)];
}

export function table(s: Scenarios): string {
	const head: Row = ['Scenario', 'Approach', 'Time scale', 'Runs', 'Wall ÷ limit', 'Requests/job', '429s', 'Jobs', 'Rows lost'];
	const rows: Row[] = [];
	const s1 = 'S1 · 50 rows, no cap';
	const s2 = 'S2 · 200 rows, cap 10, 500 req/min';
	rows.push(nodeRow(s1, 'Seedream node (defaults)', s.s1));
	if (s.s1Unlimited) rows.push(nodeRow(s1, 'Seedream node, Max Running Jobs 50', s.s1Unlimited));
	rows.push(baselineRow(s1, '(a) one row at a time', s.sequential.s1.settings.timeScale, s.sequential.s1.run));
	if ('s1' in s.guide) rows.push(baselineRow(s1, '(b) guide loop in real n8n', s.guide.s1.settings.timeScale, s.guide.s1.run, s.guide.s1.run.error));
	if ('s1' in s.nodeInN8n) rows.push(baselineRow(s1, 'Seedream node in real n8n', 1, s.nodeInN8n.s1, s.nodeInN8n.s1.error));
	rows.push(nodeRow(s2, 'Seedream node (defaults)', s.s2));
	if ('s2' in s.nodeInN8n) rows.push(baselineRow(s2, 'Seedream node in real n8n', 1, s.nodeInN8n.s2, s.nodeInN8n.s2.error));
	rows.push(baselineRow(s2, '(a) one row at a time', s.sequential.s2.settings.timeScale, s.sequential.s2.run));
	if ('s2' in s.guide) rows.push(baselineRow(s2, '(b) guide loop in real n8n', s.guide.s2.settings.timeScale, s.guide.s2.run, s.guide.s2.run.error));
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	const out = [line(head), line(head.map(() => '---')), ...rows.map(line)];
	if (s.s4.length) {
		out.push('');
		out.push('| S4 · 30 rows, lognormal durations (seeded) | Progress | Wall ÷ own limit | Requests/job | Jobs | Rows lost |');
		out.push('| --- | --- | --- | --- | --- | --- |');
		for (const run of s.s4) {
			out.push(`| ${run.cap ? `hidden cap ${run.cap}` : 'no cap'} | ${run.curve} | **${fmt(run.ratio)}** | ${fmt(run.traffic.requestsPerJob, 1)} | ${run.traffic.jobs} | ${run.rowsLost} |`);
		}
	}
	if ('q1' in s.queueMode) {
		const q = s.queueMode;
		out.push('');
		out.push(
			`Queue mode · ${q.settings.rows} rows in ${q.settings.executions} executions over two workers, cap ${q.settings.cap}, L = ${q.settings.latencyMs / 1000} s: ` +
				`wall ÷ limit **${fmt(q.q1.ratio)}** (${fmt(q.q1.wallMs / 1000, 1)} s), ${q.q1.jobs} jobs, ${q.q1.rowsLost} rows lost, ${q.q1.status409} × 409, ${q.q1.status429} × 429, ` +
				`${fmt(q.q1.requestsPerJob, 1)} requests/job; on average ${fmt(q.q1.jobLog.meanRunning, 1)} running and ${fmt(q.q1.jobLog.meanInFlight, 1)} in flight (peak ${q.q1.jobLog.peakInFlight}) on the account's ${q.settings.cap}; ` +
				`executions per worker ${JSON.stringify(q.q1.executionsByWorker)}; peak RSS ` +
				q.q1.memory.map((p) => `${p.label} ${p.peakRssMiB} MiB`).join(', ') +
				'.',
		);
		out.push(
			`S3 in database mode · ${q.q2.rowsOut} rows of 4K PNG (${mb(q.q2.imageBytes)}) on a queue-mode worker: peak RSS growth **${q.q2.workerPeakGrowthMiB} MiB = ${fmt(q.q2.share * 100, 1)}%** of the image bytes.`,
		);
	}
	const m = s.s3;
	out.push('');
	out.push(
		`S3 · ${m.rows} rows of 4K PNG (${mb(m.imageBytesEach)} each, ${mb(m.totalImageBytes)} in all), time scale ${m.timeScale}: ` +
			`peak RSS growth of the engine's process **${mb(m.peakGrowth.rss)} = ${fmt(m.rssShare * 100, 1)}%** of the image bytes ` +
			`(heap ${mb(m.peakGrowth.heapUsed)}, external ${mb(m.peakGrowth.external)}, array buffers ${mb(m.peakGrowth.arrayBuffers)}); ` +
			`${m.rowsLost} rows lost.`,
	);
	return out.join('\n');
}

export function verdictLines(list: Verdict[]): string {
	return list.map((v) => `${v.met ? 'met   ' : 'MISSED'}  ${v.target}: ${v.figure} (target ${v.limit})`).join('\n');
}

export function diagnosticLines(s: Scenarios): string {
	const lines: string[] = [];
	const node = (name: string, r: NodeScenarioResult) =>
		lines.push(
			`${name}: median ${fmt(r.median.pollsPerJob, 1)} polls/job; a finished job noticed after ${r.median.detectionLagMs} ms` +
				(r.median.slotRefillMs !== null ? `; a freed slot refilled after ${r.median.slotRefillMs} ms` : '') +
				` (simulated ms); engine CPU ${fmt(r.median.cpuMsPerRow, 1)} real ms per row`,
		);
	node('S1', s.s1);
	if (s.s1Unlimited) node('S1 (Max Running Jobs 50)', s.s1Unlimited);
	node('S2', s.s2);
	if ('s2' in s.guide) {
		for (const [name, g] of [['S1', s.guide.s1], ['S2', s.guide.s2]] as const) {
			lines.push(`(b) ${name}: Wait ${g.run.waitSeconds} s, ${g.run.loopTurns} loop turns, status ${g.run.executionStatus}${g.run.error ? ` — ${g.run.error}` : ''}`);
		}
	}
	return lines.join('\n');
}
