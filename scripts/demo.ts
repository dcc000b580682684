/**
 * `npm run demo`: the example "spreadsheet rows → Seedream → files" in a real, throwaway n8n.
 * Uses the Apiframe simulator unless APIFRAME_API_KEY is set (then the real API: paid credits).
 * Writes the images to ./output/ and prints one table row per image. `npm run build` ran before.
 */
import * as fs from 'fs';
import * as path from 'path';

import { execute, prepareN8n } from '../test/e2e/n8n';
import { fileAccessEnv, imageRows, prepareExamples, PROMPTS_CSV, readPrompts, ROOT_DIR, runError, type ImageRow } from './lib/examples';
import { exitCleanlyOnSignals, importWorkflows, startApi, startStack, type Api, type Stack } from './lib/stack';

const OUTPUT_DIR = path.join(ROOT_DIR, 'output');

const since = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const log = (msg: string) => console.log(`» ${msg}`);

function table(rows: ImageRow[]): string {
	const head = ['row', 'prompt', 'jobId', 'file', 'pixels', 'seconds'];
	const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
	const body = rows.map((r) => [
		r.row,
		cut(r.prompt, 38),
		r.jobId,
		path.relative(ROOT_DIR, r.file),
		`${r.width}×${r.height} ${r.format}`,
		r.jobSeconds === undefined ? '' : r.jobSeconds.toFixed(1),
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
	const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 5 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
	return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
	const t0 = Date.now();
	let stack: Stack | undefined;
	let api: Api | undefined;
	exitCleanlyOnSignals(() => (stack ? [stack.instance.userFolder] : []));
	try {
		log('preparing n8n 2.41.1 (the first run installs it into ~/.cache/n8n-nodes-seedream, ~5 min)');
		const paths = await prepareN8n();
		api = await startApi();
		log(`using the ${api.label}`);
		fs.mkdirSync(OUTPUT_DIR, { recursive: true });
		// Re-runnable: last run's images go, so the folder shows exactly this run's files.
		for (const f of fs.readdirSync(OUTPUT_DIR)) if (/^row-\d+\.(jpg|png)$/.test(f)) fs.rmSync(path.join(OUTPUT_DIR, f));

		stack = await startStack({ api, env: fileAccessEnv(path.dirname(PROMPTS_CSV), OUTPUT_DIR), instance: { paths } });
		const { csvImages } = prepareExamples({ outputDir: OUTPUT_DIR, slackUrl: 'http://127.0.0.1:9/unused', n8nBaseUrl: stack.instance.baseUrl });
		await importWorkflows(stack.instance, [csvImages]);
		log(`n8n ready with the credential "Apiframe account" and the workflow "${csvImages.name}" (${since(t0)})`);

		const rows = readPrompts().length;
		log(`running it headless: ${rows} rows of examples/prompts.csv → Seedream → output/ …`);
		const t1 = Date.now();
		const result = await execute(stack.instance, csvImages.id, { timeoutMs: 15 * 60_000 });
		const error = runError(result.json);
		if (result.code !== 0 || error || !result.json) {
			throw new Error(`the workflow failed (exit ${result.code}): ${error ?? result.stderr.slice(-2000) ?? result.stdout.slice(-2000)}`);
		}
		const images = imageRows(result.json).sort((a, b) => Number(a.row) - Number(b.row));
		console.log('');
		console.log(`Seedream 4.5 through ${api.sim ? 'the Apiframe simulator (simulated jobs at 1/10 of real time, full-size images)' : 'the Apiframe API'}; seconds = job time reported by the API`);
		console.log(table(images));
		console.log('');
		log(`${images.length} images in ${path.relative(process.cwd(), OUTPUT_DIR) || '.'}/ — workflow ${since(t1)} (n8n execute incl. its ~5 s start-up), total ${since(t0)}`);
		if (images.length !== rows) throw new Error(`expected ${rows} images, got ${images.length}`);
	} finally {
		// The stack owns the simulator once it exists; before that, close it here.
		if (stack) await stack.close();
		else await api?.sim?.close();
	}
}

main().catch((err) => {
	console.error(`demo failed: ${err instanceof Error ? err.message : err}`);
	process.exitCode = 1;
});
