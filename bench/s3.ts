/**
 * S3: 50 rows of 4K PNG → peak memory growth of the process running n8n's engine, against the
 * total bytes of the images. Three processes: this one serves the image files (a stand-in for
 * Apiframe's CDN), the simulator runs in a child, and the engine runs in a fresh child
 * (s3Worker.ts) whose memory is sampled from the inside every 25 ms.
 */
import { fork } from 'child_process';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';

import { freePort } from '../test/e2e/processes';
import { PNG } from 'pngjs';
import { renderImage, contentHash } from '../test/simulator/images';
import { LATENCY_SPREAD_MS, S3, SIMULATED_LATENCY_MS } from './config';
import { realisticPng } from './bigPng';
import { REPO_ROOT, freshKey, startSimProcess } from './simProcess';
import type { S3WorkerInput, S3WorkerOutput } from './s3Worker';
import { round } from './stats';

export interface S3Result {
	timeScale: number;
	rows: number;
	rowsOut: number;
	rowsLost: number;
	executionStatus: string;
	wallMs: number;
	imageBytesEach: number;
	totalImageBytes: number;
	simulatorOwnPngBytes: number;
	filesServed: number;
	peakGrowth: S3WorkerOutput['growth'];
	baseline: S3WorkerOutput['baseline'];
	/** Peak RSS growth ÷ total image bytes. */
	rssShare: number;
	samples: number;
	maxSampleGapMs: number;
	gcExposed: boolean;
}

/** Size of the simulator's own 4K PNG (a smooth gradient), reported for comparison. */
function simulatorPngBytes(): number {
	const png = renderImage(contentHash('seedream-4.5', 'a harbour at dawn in 4K', 1, { size: '4K', output_format: 'png' }), 4096, 4096, 'png');
	return png.length;
}

/**
 * The stand-in CDN serves the big PNG for /files/ and passes every API call on to the simulator,
 * so the node sees one origin for both (its Base URL origin is trusted for downloads; another
 * loopback port would rightly be refused).
 */
export function serveFiles(file: Buffer): Promise<{ server: http.Server; url: string; served: () => number; setUpstream: (url: string) => void }> {
	let served = 0;
	let upstream: URL | undefined;
	const server = http.createServer((req, res) => {
		if (!req.url?.startsWith('/files/')) {
			if (!upstream) return void res.writeHead(503).end();
			const forward = http.request(
				{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			forward.on('error', () => res.destroy());
			req.pipe(forward);
			return;
		}
		if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(404).end();
		res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(file.length) });
		if (req.method === 'HEAD') return void res.end();
		res.end(file, () => served++);
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			resolve({ server, url: `http://127.0.0.1:${port}`, served: () => served, setUpstream: (url) => (upstream = new URL(url)) });
		}),
	);
}

function runWorker(input: S3WorkerInput): Promise<S3WorkerOutput> {
	const child = fork(path.join(__dirname, 's3Worker.ts'), [], {
		cwd: REPO_ROOT,
		execArgv: ['--expose-gc', '-r', 'ts-node/register/transpile-only'],
		env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error('S3 worker took longer than 10 minutes'));
		}, 600_000);
		child.once('message', (message: { ok: boolean; output?: S3WorkerOutput; error?: string }) => {
			clearTimeout(timer);
			if (message.ok && message.output) resolve(message.output);
			else reject(new Error(`S3 worker failed: ${message.error}`));
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`S3 worker exited with ${code} before reporting`));
		});
		child.send(input);
	});
}

export async function runS3(timeScale: number): Promise<S3Result> {
	const file = realisticPng();
	if (PNG.sync.read(file).width !== 4096) throw new Error('bad test image');
	const files = await serveFiles(file);
	const port = await freePort();
	const sim = await startSimProcess({
		port,
		publicUrl: files.url,
		timeScale,
		imageScale: S3.imageScale,
		latencyMs: SIMULATED_LATENCY_MS,
		latencySpreadMs: LATENCY_SPREAD_MS,
		maxConcurrentJobs: S3.maxConcurrentJobs,
		rateLimitPerMinute: S3.rateLimitPerMinute,
	});
	try {
		const apiKey = freshKey('s3');
		const warmupKey = freshKey('s3warm');
		await sim.addKey(apiKey);
		await sim.addKey(warmupKey);
		files.setUpstream(sim.url);
		const output = await runWorker({ simUrl: files.url, apiKey, warmupKey, rows: S3.rows, timeScale, sampleIntervalMs: 25 });
		const total = output.imageBytes.reduce((a, b) => a + b, 0);
		return {
			timeScale,
			rows: S3.rows,
			rowsOut: output.rowsOut,
			rowsLost: S3.rows - output.rowsOut,
			executionStatus: output.executionStatus,
			wallMs: output.wallMs,
			imageBytesEach: file.length,
			totalImageBytes: total,
			simulatorOwnPngBytes: simulatorPngBytes(),
			filesServed: files.served(),
			peakGrowth: output.growth,
			baseline: output.baseline,
			rssShare: round(output.growth.rss / Math.max(1, total), 4),
			samples: output.samples,
			maxSampleGapMs: output.maxSampleGapMs,
			gcExposed: output.gcExposed,
		};
	} finally {
		await sim.close();
		files.server.close();
		files.server.closeAllConnections();
	}
}
