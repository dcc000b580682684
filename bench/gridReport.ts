/** The grid's one table (Markdown, so README and reports can show it as is) and its summary. */
import { GRID_TARGETS } from './gridConditions';
import type { GridRow } from './grid';

export interface FailedRow {
	id: string;
	description: string;
	error: string;
}

const mark = (met: boolean | null) => (met === null ? '' : met ? ' ✅' : ' ❌');
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

export function gridTable(rows: Array<GridRow | FailedRow>): string {
	const header = [
		'Condition',
		'N',
		`wall ÷ limit (≤ ${fixed(GRID_TARGETS.wallRatio, 2)}; 15 s ≤ ${fixed(GRID_TARGETS.wallRatio15s, 2)})`,
		`API requests/job (cold ≤ ${GRID_TARGETS.requestsPerJobCold}, warm ≤ ${GRID_TARGETS.requestsPerJobWarm})`,
		'downloads/job',
		'429s',
		`in flight ours / all (after look; 2 processes ≤ ${GRID_TARGETS.twoProcessInFlight} × limit)`,
		'limit',
		'rows lost',
	];
	const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`];
	for (const row of rows) {
		if ('error' in row && !('ratio' in row)) {
			lines.push(`| ${row.description} | | error: ${row.error.split('\n')[0].slice(0, 120)} | | | | | | |`);
			continue;
		}
		const r = row as GridRow;
		lines.push(
			`| ${r.description} | ${r.rows} | ${fixed(r.ratio, 3)}${mark(r.verdicts.wall)} | ${fixed(r.requests.apiRequestsPerJob, 2)}${mark(r.verdicts.requests)} | ` +
				`${fixed(r.requests.downloadsPerJob, 2)} | ${r.requests.status429} | ${r.inFlight.ours} / ${r.inFlight.all} (${r.inFlight.afterLook})${mark(r.verdicts.inFlight)} | ` +
				`${r.cap || 'none'} | ${r.rowsLost}${mark(r.verdicts.rowsLost)} |`,
		);
	}
	return lines.join('\n');
}

export interface GridSummary {
	conditions: number;
	failedToRun: number;
	metAll: number;
	wallMet: number;
	requestsMet: number;
	inFlightMet: number;
	inFlightJudged: number;
	rowsLostMet: number;
}

export function gridSummary(rows: Array<GridRow | FailedRow>): GridSummary {
	const ran = rows.filter((r): r is GridRow => 'ratio' in r);
	const judged = ran.filter((r) => r.verdicts.inFlight !== null);
	return {
		conditions: rows.length,
		failedToRun: rows.length - ran.length,
		metAll: ran.filter((r) => r.verdicts.wall && r.verdicts.requests && r.verdicts.inFlight !== false && r.verdicts.rowsLost).length,
		wallMet: ran.filter((r) => r.verdicts.wall).length,
		requestsMet: ran.filter((r) => r.verdicts.requests).length,
		inFlightMet: judged.filter((r) => r.verdicts.inFlight).length,
		inFlightJudged: judged.length,
		rowsLostMet: ran.filter((r) => r.verdicts.rowsLost).length,
	};
}

export function summaryLine(s: GridSummary): string {
	return (
		`${s.metAll} of ${s.conditions} conditions meet every target` +
		` (wall ${s.wallMet}, requests ${s.requestsMet}, two-process in flight ${s.inFlightMet} of ${s.inFlightJudged}, no row lost ${s.rowsLostMet})` +
		(s.failedToRun ? `; ${s.failedToRun} did not run` : '') +
		'.'
	);
}
