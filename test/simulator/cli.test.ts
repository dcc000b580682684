import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { http } from '../support/http';
import { parseArgs } from './cli';

describe('parseArgs', () => {
	test('flags, --flag=value and environment variables; flags win over env', () => {
		const o = parseArgs(['--port', '9000', '--time-scale=0.1', '--rate-limit', '30', '--credits', '50'], {
			SIM_PORT: '1234',
			SIM_LATENCY_MS: '2000',
			SIM_MAX_CONCURRENT_JOBS: '3',
			SIM_API_KEY: 'afk_env_key_0000000000000000000000000000000',
		});
		expect(o).toMatchObject({
			port: 9000,
			timeScale: 0.1,
			rateLimitPerMinute: 30,
			latencyMs: 2000,
			maxConcurrentJobs: 3,
			keys: [{ key: 'afk_env_key_0000000000000000000000000000000', credits: 50 }],
		});
	});

	test('latency distribution, seed, progress curve and the --report-concurrency-limit switch', () => {
		expect(parseArgs(['--latency-distribution', 'lognormal', '--random-seed=7', '--progress-curve', 'late-start', '--report-concurrency-limit'], {})).toMatchObject({
			latencyDistribution: 'lognormal',
			randomSeed: 7,
			progressCurve: 'late-start',
			reportConcurrencyLimit: true,
		});
		expect(parseArgs(['--report-concurrency-limit', '--port', '1'], {})).toMatchObject({ reportConcurrencyLimit: true, port: 1 });
		expect(parseArgs(['--report-concurrency-limit', 'false'], {}).reportConcurrencyLimit).toBe(false);
		expect(parseArgs(['--report-concurrency-limit=0'], { SIM_REPORT_CONCURRENCY_LIMIT: '1' }).reportConcurrencyLimit).toBe(false);
		const env = { SIM_REPORT_CONCURRENCY_LIMIT: '1', SIM_PROGRESS_CURVE: 'none', SIM_LATENCY_DISTRIBUTION: 'uniform', SIM_RANDOM_SEED: '3' };
		expect(parseArgs([], env)).toMatchObject({ reportConcurrencyLimit: true, progressCurve: 'none', latencyDistribution: 'uniform', randomSeed: 3 });
		expect(parseArgs([], {}).reportConcurrencyLimit).toBeUndefined();
		expect(() => parseArgs(['--progress-curve', 'wobbly'], {})).toThrow(/must be one of linear, stepped, late-start, none/);
		expect(() => parseArgs(['--latency-distribution', 'normal'], {})).toThrow(/must be one of uniform, lognormal/);
		expect(() => parseArgs(['--random-seed', '1.5'], {})).toThrow(/must be an integer/);
		expect(() => parseArgs([], { SIM_REPORT_CONCURRENCY_LIMIT: 'maybe' })).toThrow(/must be true or false/);
	});

	test('defaults to port 8787; unknown flags and non-numbers are errors', () => {
		expect(parseArgs([], {}).port).toBe(8787);
		expect(() => parseArgs(['--nope', '1'], {})).toThrow(/unknown argument/);
		expect(() => parseArgs(['--port', 'abc'], {})).toThrow(/must be a number/);
		expect(() => parseArgs(['--port'], {})).toThrow(/needs a value/);
	});
});

test('the CLI prints its URL and key, serves the API and exits cleanly on SIGTERM', async () => {
	const root = path.resolve(__dirname, '../..');
	const child = spawn(
		process.execPath,
		[require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'test/simulator/cli.ts', '--port', '0', '--credits', '40'],
		{ cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
	try {
		let out = '';
		const ready = await new Promise<string>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no banner; output: ${out}`)), 20000);
			child.stdout.on('data', (c: Buffer) => {
				out += c.toString();
				if (/Admin: /.test(out)) {
					clearTimeout(timer);
					resolve(out);
				}
			});
		});
		const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(ready)?.[1];
		const key = /API key: (afk_\S+)/.exec(ready)?.[1];
		expect(url).toBeDefined();
		expect(ready).toContain('curl');
		const me = await http.get<{ team: { credits: number } }>(`${url}/v2/me`, { headers: { 'X-API-Key': key as string } });
		expect(me.status).toBe(200);
		expect(me.data.team.credits).toBe(40);
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	} finally {
		if (child.exitCode === null) child.kill('SIGKILL');
		await exited;
	}
});
