/**
 * Command line: `npm run simulator -- --port 8787 --time-scale 0.1`.
 * Every flag also reads an environment variable (SIM_PORT, SIM_TIME_SCALE, …); flags win.
 */
import { startSimulator } from './index';
import { LATENCY_DISTRIBUTIONS, type LatencyDistribution } from './latency';
import { PROGRESS_CURVES, type ProgressCurve } from './progress';
import { DEFAULT_KEY } from './state';
import type { SimulatorOptions } from './types';

interface Flag {
	flag: string;
	env: string;
	help: string;
	/** A switch: `--flag` alone means true; `--flag=false`, `--flag false` or env 0/false turn it off. */
	boolean?: boolean;
	apply: (o: SimulatorOptions, v: string) => void;
}

const num = (name: string, v: string): number => {
	const n = Number(v);
	if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`${name} must be a number, got "${v}"`);
	return n;
};

const int = (name: string, v: string): number => {
	const n = num(name, v);
	if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got "${v}"`);
	return n;
};

const oneOf = <T extends string>(name: string, allowed: readonly T[], v: string): T => {
	if (!(allowed as readonly string[]).includes(v)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${v}"`);
	return v as T;
};

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];
const bool = (name: string, v: string): boolean => {
	const s = v.trim().toLowerCase();
	if (TRUE.includes(s)) return true;
	if (FALSE.includes(s)) return false;
	throw new Error(`${name} must be true or false, got "${v}"`);
};

const FLAGS: Flag[] = [
	{ flag: 'port', env: 'SIM_PORT', help: 'port to listen on (default 8787; 0 = any free port)', apply: (o, v) => (o.port = num('port', v)) },
	{ flag: 'host', env: 'SIM_HOST', help: 'interface to bind (default 127.0.0.1)', apply: (o, v) => (o.host = v) },
	{ flag: 'public-url', env: 'SIM_PUBLIC_URL', help: 'base URL written into result URLs (default http://host:port)', apply: (o, v) => (o.publicUrl = v) },
	{ flag: 'latency-ms', env: 'SIM_LATENCY_MS', help: 'mean job duration in simulated ms (default 15000)', apply: (o, v) => (o.latencyMs = num('latency-ms', v)) },
	{ flag: 'latency-spread-ms', env: 'SIM_LATENCY_SPREAD_MS', help: 'uniform only: +/- spread of the duration (default 3000)', apply: (o, v) => (o.latencySpreadMs = num('latency-spread-ms', v)) },
	{
		flag: 'latency-distribution',
		env: 'SIM_LATENCY_DISTRIBUTION',
		help: 'uniform (latency +/- spread) or lognormal (mean latency, 4% of jobs 3-10x) (default uniform)',
		apply: (o, v) => (o.latencyDistribution = oneOf<LatencyDistribution>('latency-distribution', LATENCY_DISTRIBUTIONS, v)),
	},
	{ flag: 'random-seed', env: 'SIM_RANDOM_SEED', help: 'integer; the n-th job gets the same duration on every run (default: none)', apply: (o, v) => (o.randomSeed = int('random-seed', v)) },
	{
		flag: 'progress-curve',
		env: 'SIM_PROGRESS_CURVE',
		help: 'linear, stepped, late-start or none (default linear)',
		apply: (o, v) => (o.progressCurve = oneOf<ProgressCurve>('progress-curve', PROGRESS_CURVES, v)),
	},
	{
		flag: 'report-concurrency-limit',
		env: 'SIM_REPORT_CONCURRENCY_LIMIT',
		help: 'show team.maxConcurrentJobs in /v2/me (default off, like the real v2 API)',
		boolean: true,
		apply: (o, v) => (o.reportConcurrencyLimit = bool('report-concurrency-limit', v)),
	},
	{
		flag: 'models-catalog',
		env: 'SIM_MODELS_CATALOG',
		help: 'serve GET /v2/models; =false answers 503, to try clients\' fallback lists (default on)',
		boolean: true,
		apply: (o, v) => (o.modelsCatalog = bool('models-catalog', v)),
	},
	{ flag: 'time-scale', env: 'SIM_TIME_SCALE', help: 'multiplies every simulated wait (default 1; 0.1 = ten times faster)', apply: (o, v) => (o.timeScale = num('time-scale', v)) },
	{ flag: 'image-scale', env: 'SIM_IMAGE_SCALE', help: 'multiplies output pixel sizes (default 1)', apply: (o, v) => (o.imageScale = num('image-scale', v)) },
	{ flag: 'max-concurrent-jobs', env: 'SIM_MAX_CONCURRENT_JOBS', help: 'running jobs per key, 0 = no cap (default 10)', apply: (o, v) => (o.maxConcurrentJobs = num('max-concurrent-jobs', v)) },
	{ flag: 'rate-limit', env: 'SIM_RATE_LIMIT', help: 'requests per key per minute, 0 = off (default 0)', apply: (o, v) => (o.rateLimitPerMinute = num('rate-limit', v)) },
	{ flag: 'retention-ms', env: 'SIM_RETENTION_MS', help: 'how long results live after completion (default 86400000)', apply: (o, v) => (o.retentionMs = num('retention-ms', v)) },
	{ flag: 'webhook-retries', env: 'SIM_WEBHOOK_RETRIES', help: 'extra webhook delivery attempts (default 3)', apply: (o, v) => (o.webhookRetries = num('webhook-retries', v)) },
	{ flag: 'api-key', env: 'SIM_API_KEY', help: `the API key to accept (default ${DEFAULT_KEY})`, apply: (o, v) => (o.keys = [{ ...(o.keys?.[0] ?? {}), key: v }]) },
	{ flag: 'credits', env: 'SIM_CREDITS', help: 'credits of the key (default 100000)', apply: (o, v) => (o.keys = [{ key: o.keys?.[0]?.key ?? DEFAULT_KEY, credits: num('credits', v) }]) },
];

function usage(): string {
	const lines = FLAGS.map((f) => `  --${f.flag.padEnd(26)} ${f.env.padEnd(30)} ${f.help}`);
	return ['Apiframe v2 simulator', '', 'Usage: npm run simulator -- [flags]', '', '  flag                         env var', ...lines].join('\n');
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): SimulatorOptions {
	const opts: SimulatorOptions = { port: 8787 };
	const given = new Map<string, string>();
	for (let i = 0; i < argv.length; i++) {
		const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
		const flag = m && FLAGS.find((f) => f.flag === m[1]);
		if (!m || !flag) throw new Error(`unknown argument "${argv[i]}"`);
		if (flag.boolean && m[2] === undefined) {
			// A following true/false belongs to the switch; anything else is the next flag.
			const next = argv[i + 1]?.toLowerCase();
			given.set(flag.flag, next !== undefined && [...TRUE, ...FALSE].includes(next) ? argv[++i] : 'true');
			continue;
		}
		const value = m[2] ?? argv[++i];
		if (value === undefined) throw new Error(`--${m[1]} needs a value`);
		given.set(flag.flag, value);
	}
	// Order of FLAGS, so --credits applies after --api-key whatever the command line order.
	for (const f of FLAGS) {
		const v = given.get(f.flag) ?? env[f.env];
		if (v !== undefined && v !== '') f.apply(opts, v);
	}
	return opts;
}

async function main(): Promise<void> {
	const argv = process.argv.slice(2);
	if (argv.includes('--help') || argv.includes('-h')) {
		console.log(usage());
		return;
	}
	let opts: SimulatorOptions;
	try {
		opts = parseArgs(argv, process.env);
	} catch (e) {
		console.error(`${(e as Error).message}\n\n${usage()}`);
		process.exitCode = 2;
		return;
	}
	const sim = await startSimulator(opts);
	console.log(`Apiframe simulator listening on ${sim.url}`);
	console.log(`API key: ${sim.apiKey}`);
	console.log('Try:');
	console.log(
		`  curl -s -X POST ${sim.url}/v2/images/generate -H 'X-API-Key: ${sim.apiKey}' -H 'Content-Type: application/json' ` +
			`-d '{"model":"seedream-4.5","prompt":"a red fox in snow"}'`,
	);
	console.log(`  curl -s ${sim.url}/v2/jobs/<jobId> -H 'X-API-Key: ${sim.apiKey}'`);
	console.log(`Admin: ${sim.url}/__sim/requests, /__sim/jobs, /__sim/deliveries (Ctrl+C to stop)`);
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: closing simulator`);
		void sim.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main().catch((e: Error) => {
		console.error(e.message);
		process.exit(1);
	});
}
