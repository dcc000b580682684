/**
 * A throwaway real n8n (2.41.1 on Node 24) for e2e tests, the demo and the benchmark.
 *
 * Node built-ins and the tooling's HTTP client (../support/http.ts): this module runs under jest
 * on Node 20 while n8n runs on the Node 24 that scripts/n8n/install.sh puts in a cache folder
 * outside git.
 * Facts behind the choices: ../../../shared/n8n-notes.md.
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { AxiosHeaders, AxiosResponse } from 'axios';

import { headersOf, http, isOk, retryWhileStarting } from '../support/http';
import { freePort, killGroup, live, sleep, stopGroup, track } from './processes';

export { freePort } from './processes';

export const NODE_VERSION = '24.9.0';
export const N8N_VERSION = '2.41.1';
export const PACKAGE_NAME = 'n8n-nodes-seedream';
export const INSTALL_SCRIPT = path.resolve(__dirname, '../../scripts/n8n/install.sh');

/** One installable n8n: its version, the Node it runs on, the script that installs both into the cache. */
export interface N8nLine {
	n8n: string;
	node: string;
	installScript: string;
}
export const N8N_2X: N8nLine = { n8n: N8N_VERSION, node: NODE_VERSION, installScript: INSTALL_SCRIPT };

export interface N8nPaths {
	cacheDir: string;
	/** Directory with the Node 24 `node` binary; goes first on PATH for every n8n process. */
	nodeBinDir: string;
	nodeBin: string;
	/** The folder npm installed n8n into (its node_modules holds n8n and its dependencies). */
	n8nDir: string;
	n8nBin: string;
}

export interface N8nOwner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export interface N8nInstance {
	paths: N8nPaths;
	/** N8N_USER_FOLDER; n8n keeps its data in `<userFolder>/.n8n`. */
	userFolder: string;
	port: number;
	brokerPort: number;
	baseUrl: string;
	env: Record<string, string>;
	owner: N8nOwner;
	/** True when the owner comes from N8N_INSTANCE_OWNER_* (bcrypt hash); else set up via REST. */
	ownerManagedByEnv: boolean;
	logFile: string;
	process?: ChildProcess;
	cookie?: string;
	/** Sent as `browser-id`: n8n binds the auth cookie to it and rejects requests without it. */
	browserId: string;
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface ExecuteResult extends CliResult {
	/** The run data n8n printed with --rawOutput, or undefined when none could be parsed. */
	json: any;
}

export interface N8nCredential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export function n8nPaths(cacheDir = process.env.N8N_CACHE_DIR || path.join(os.homedir(), '.cache', PACKAGE_NAME), line: N8nLine = N8N_2X): N8nPaths {
	const nodeBinDir = path.join(cacheDir, `node-${line.node}`, 'node_modules', 'node', 'bin');
	const n8nDir = path.join(cacheDir, `n8n-${line.n8n}`);
	return {
		cacheDir,
		nodeBinDir,
		nodeBin: path.join(nodeBinDir, 'node'),
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

/** Installs n8n into the cache on first use (~5 min, output streamed); instant afterwards. */
export async function prepareN8n(opts: { cacheDir?: string; quiet?: boolean; line?: N8nLine } = {}): Promise<N8nPaths> {
	const line = opts.line ?? N8N_2X;
	const paths = n8nPaths(opts.cacheDir, line);
	if (fs.existsSync(path.join(paths.n8nDir, '.install-complete')) && fs.existsSync(paths.nodeBin)) return paths;
	const env = { ...process.env, N8N_CACHE_DIR: paths.cacheDir };
	const child = spawn('bash', [line.installScript], { env, stdio: ['ignore', opts.quiet ? 'ignore' : 'inherit', 'inherit'], detached: true });
	track(child);
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	await stopGroup(child, 2_000);
	if (code !== 0) throw new Error(`${line.installScript} failed with exit code ${code}`);
	return paths;
}

/** bcryptjs ships inside n8n's install (pure JS, so it loads on Node 20 too). */
function loadBcrypt(paths: N8nPaths): { hashSync(s: string, rounds: number): string } | undefined {
	try {
		return require(require.resolve('bcryptjs', { paths: [path.join(paths.n8nDir, 'node_modules', 'n8n')] }));
	} catch {
		return undefined;
	}
}

/** The parent's environment minus anything that would change n8n's behaviour (jest sets NODE_ENV=test). */
function baseEnv(nodeBinDir: string): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v === undefined || /^(N8N_|DB_|npm_|JEST_|TS_NODE_|EXECUTIONS_|WEBHOOK_URL$|NODE_ENV$|NODE_OPTIONS$)/.test(k)) continue;
		env[k] = v;
	}
	env.PATH = `${nodeBinDir}${path.delimiter}${env.PATH ?? ''}`;
	return env;
}

export interface CreateInstanceOptions {
	/** Package root to load as `n8n-nodes-seedream` (its package.json `n8n` block points at dist/). */
	packageDir: string;
	paths?: N8nPaths;
	/** Extra or overriding environment variables for every n8n process of this instance. */
	env?: Record<string, string>;
	owner?: Partial<N8nOwner>;
	/** 'env' (default when bcryptjs is found in n8n's install) or 'rest' (POST /rest/owner/setup after start). */
	ownerSetup?: 'env' | 'rest';
	/**
	 * 'symlink' (default) or 'copy': package.json, index.js and dist/ copied as a community install
	 * leaves them, so the package resolves n8n-workflow from the host n8n, not from our node_modules.
	 */
	packageInstall?: 'symlink' | 'copy';
}

/** A fresh N8N_USER_FOLDER with our package linked in, free ports and the headless environment. */
export async function createInstance(opts: CreateInstanceOptions): Promise<N8nInstance> {
	const paths = opts.paths ?? (await prepareN8n());
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
	fs.mkdirSync(nodesDir, { recursive: true });
	if (opts.packageInstall === 'copy') {
		for (const entry of ['package.json', 'index.js', 'dist']) fs.cpSync(path.join(opts.packageDir, entry), path.join(nodesDir, PACKAGE_NAME, entry), { recursive: true });
	} else {
		// A symlink, not a copy: a rebuilt dist/ is picked up by the next n8n process.
		fs.symlinkSync(path.resolve(opts.packageDir), path.join(nodesDir, PACKAGE_NAME), 'dir');
	}

	const port = await freePort();
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const owner: N8nOwner = {
		email: 'owner@example.com',
		password: 'Seedream-e2e-1', // meets n8n's rule: 8+ chars, a digit and an upper-case letter
		firstName: 'Test',
		lastName: 'Owner',
		...opts.owner,
	};
	const bcrypt = opts.ownerSetup === 'rest' ? undefined : loadBcrypt(paths);
	if (opts.ownerSetup === 'env' && !bcrypt) throw new Error(`bcryptjs not found under ${paths.n8nDir}`);
	const env: Record<string, string> = {
		...baseEnv(paths.nodeBinDir),
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_PYTHON_ENABLED: 'false',
		N8N_LOG_LEVEL: 'info', // lower levels hide the JSON `execute --rawOutput` prints
		WEBHOOK_URL: `${baseUrl}/`,
		N8N_DISABLED_MODULES: 'insights,instance-ai,agents,chat-hub,mcp,mcp-registry,workflow-builder',
	};
	if (bcrypt) {
		Object.assign(env, {
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: owner.email,
			N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
			N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(owner.password, 10),
		});
	}
	Object.assign(env, opts.env);
	return {
		paths,
		userFolder,
		port,
		brokerPort,
		baseUrl,
		env,
		owner,
		ownerManagedByEnv: Boolean(bcrypt),
		logFile: path.join(userFolder, 'n8n-start.log'),
		browserId: randomBytes(16).toString('hex'),
	};
}

/** Runs one n8n CLI command to completion, in its own process group, with its own broker port. */
export async function runCli(instance: N8nInstance, args: string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
	// A running `n8n start` holds the instance's broker port; each CLI process needs another.
	const env = { ...instance.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
	const child = spawn(instance.paths.nodeBin, [instance.paths.n8nBin, ...args], {
		env,
		cwd: instance.userFolder,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	track(child);
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
	const timeoutMs = opts.timeoutMs ?? 180_000;
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		killGroup(child.pid, 'SIGKILL');
	}, timeoutMs);
	const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
	clearTimeout(timer);
	// The command's task runner may outlive it for a moment; never leave it behind.
	await stopGroup(child, 2_000);
	if (timedOut) stderr += `\n[n8n.ts] n8n ${args[0]} killed after ${timeoutMs} ms`;
	return { code, stdout, stderr };
}

function cliFailure(what: string, r: CliResult): Error {
	return new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
}

function writeTemp(instance: N8nInstance, name: string, data: unknown): string {
	const file = path.join(instance.userFolder, `${name}-${randomBytes(4).toString('hex')}.json`);
	fs.writeFileSync(file, JSON.stringify(data, null, '\t'));
	return file;
}

/** `data` as a plain object: n8n encrypts it with the instance's key on import. */
export async function importCredentials(instance: N8nInstance, creds: N8nCredential[]): Promise<void> {
	const r = await runCli(instance, ['import:credentials', `--input=${writeTemp(instance, 'credentials', creds)}`]);
	if (r.code !== 0) throw cliFailure('n8n import:credentials', r);
}

/** Imports one workflow and returns its id (n8n needs an id of at most 21 characters). */
export async function importWorkflow(instance: N8nInstance, wf: Record<string, any>): Promise<string> {
	const id: string = wf.id ?? randomBytes(8).toString('hex');
	if (id.length > 21) throw new Error(`workflow id '${id}' is longer than 21 characters`);
	const workflow = { name: `e2e ${id}`, connections: {}, settings: {}, active: false, ...wf, id };
	const r = await runCli(instance, ['import:workflow', `--input=${writeTemp(instance, 'workflow', workflow)}`]);
	if (r.code !== 0) throw cliFailure('n8n import:workflow', r);
	return id;
}

/** Activates a workflow's triggers for the next `n8n start` (run it before start). */
export async function publishWorkflow(instance: N8nInstance, id: string): Promise<void> {
	const r = await runCli(instance, ['publish:workflow', `--id=${id}`]);
	if (r.code !== 0) throw cliFailure('n8n publish:workflow', r);
}

/** stdout begins with log lines; the JSON starts at the first line beginning with `{`. */
export function parseRawOutput(stdout: string): any {
	const lines = stdout.split('\n');
	const first = lines.findIndex((l) => l.startsWith('{'));
	if (first < 0) return undefined;
	// Log lines may follow the JSON too: try the longest candidate ending in a `}` line first.
	for (let last = lines.length - 1; last >= first; last--) {
		if (!lines[last].trimEnd().endsWith('}')) continue;
		try {
			return JSON.parse(lines.slice(first, last + 1).join('\n'));
		} catch {
			// not complete JSON yet: try a shorter slice
		}
	}
	return undefined;
}

/** `n8n execute --id --rawOutput`; exit code 1 (and error JSON) when a node fails. */
export async function execute(instance: N8nInstance, workflowId: string, opts: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
	const r = await runCli(instance, ['execute', `--id=${workflowId}`, '--rawOutput'], opts);
	return { ...r, json: parseRawOutput(r.stdout) };
}

function logTail(instance: N8nInstance, chars = 4000): string {
	try {
		return fs.readFileSync(instance.logFile, 'utf8').slice(-chars);
	} catch {
		return '(no log)';
	}
}

/** Spawns `n8n start` (own process group), waits for /healthz/readiness, returns the base URL. */
export async function start(instance: N8nInstance, opts: { timeoutMs?: number } = {}): Promise<string> {
	if (instance.process) return instance.baseUrl;
	// A file, not a pipe: nobody has to drain it, and it survives for post-mortems.
	const log = fs.openSync(instance.logFile, 'a');
	const child = spawn(instance.paths.nodeBin, [instance.paths.n8nBin, 'start'], {
		env: instance.env,
		cwd: instance.userFolder,
		stdio: ['ignore', log, log],
		detached: true,
	});
	fs.closeSync(log);
	track(child);
	instance.process = child;
	let exited: number | null | undefined;
	child.once('exit', (code) => (exited = code));
	const timeoutMs = opts.timeoutMs ?? 120_000;
	const answer = await awaitReadiness(`${instance.baseUrl}/healthz/readiness`, timeoutMs, () => exited !== undefined);
	if (answer !== 'ready' && exited !== undefined) {
		instance.process = undefined;
		await stopGroup(child, 2_000);
		throw new Error(`n8n start exited with ${exited} before it was ready:\n${logTail(instance)}`);
	}
	if (answer !== 'ready') {
		await stop(instance);
		throw new Error(`n8n did not become ready within ${timeoutMs} ms (${answer}):\n${logTail(instance)}`);
	}
	if (!instance.ownerManagedByEnv) {
		// n8n 1.x answers readiness before its REST routes exist (/rest/settings answers 404 until then).
		const deadline = Date.now() + timeoutMs;
		const settingsStatus = () => http.get(`${instance.baseUrl}/rest/settings`, { timeout: 5_000 }).then((r) => r.status, () => 0);
		while ((await settingsStatus()) !== 200 && Date.now() < deadline) await sleep(250);
		await setupOwner(instance);
	}
	return instance.baseUrl;
}

/** Stops `n8n start` and its task runners; safe to call twice. */
export async function stop(instance: N8nInstance): Promise<void> {
	const child = instance.process;
	instance.process = undefined;
	instance.cookie = undefined;
	if (child) await stopGroup(child);
}

/** Stops the server and deletes the user folder (unless N8N_E2E_KEEP is set, for debugging). */
export async function destroyInstance(instance: N8nInstance): Promise<void> {
	await stop(instance);
	if (!process.env.N8N_E2E_KEEP) fs.rmSync(instance.userFolder, { recursive: true, force: true });
}

/** For afterAll: kills every process this module started that is still running. */
export async function stopAll(): Promise<void> {
	await Promise.all([...live].map((c) => stopGroup(c, 5_000)));
}

/**
 * GETs a readiness URL until it answers 2xx: 'ready', or what it last said when `timeoutMs` ran
 * out or `exited()` turned true. Refused connections, resets, 2 s attempts with no answer and 503
 * are n8n still starting (the client's start-up retry); another status ends the wait at once.
 */
async function awaitReadiness(url: string, timeoutMs: number, exited: () => boolean): Promise<string> {
	try {
		const res = await retryWhileStarting(() => http.get(url, { timeout: 2_000 }), { withinMs: timeoutMs, giveUpIf: exited });
		return isOk(res.status) ? 'ready' : `it answered ${res.status}`;
	} catch (err) {
		return (err as Error).message;
	}
}

export interface RestResponse {
	status: number;
	/** Parsed JSON, or the text when the body is not JSON. */
	body: any;
	/** `get(name)`, case-insensitive; `set-cookie` is an array. */
	headers: AxiosHeaders;
}

function restHeaders(instance: N8nInstance, body: unknown): Record<string, string> {
	const headers: Record<string, string> = { 'browser-id': instance.browserId };
	if (body !== undefined) headers['content-type'] = 'application/json';
	if (instance.cookie) headers.cookie = instance.cookie;
	return headers;
}

async function rawRequest(instance: N8nInstance, method: string, route: string, body?: unknown): Promise<RestResponse> {
	// axios parses a JSON body and leaves any other as its text, as this function promises.
	const res = await http.request({ method, url: `${instance.baseUrl}${route}`, headers: restHeaders(instance, body), data: body });
	return { status: res.status, body: res.data, headers: headersOf(res) };
}

/** Without the env-managed owner (no bcryptjs found), the first owner is created through the UI's route. */
async function setupOwner(instance: N8nInstance): Promise<void> {
	const { email, password, firstName, lastName } = instance.owner;
	const r = await rawRequest(instance, 'POST', '/rest/owner/setup', { email, password, firstName, lastName });
	if (r.status !== 200) throw new Error(`POST /rest/owner/setup: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Logs the owner in; returns the `n8n-auth=…` cookie (also kept on the instance for rest()). */
export async function login(instance: N8nInstance): Promise<string> {
	const { email, password } = instance.owner;
	const r = await rawRequest(instance, 'POST', '/rest/login', { emailOrLdapLoginId: email, password });
	if (r.status !== 200) throw new Error(`POST /rest/login: ${r.status} ${JSON.stringify(r.body)}`);
	const setCookie = (r.headers.get('set-cookie') ?? []) as string[];
	const cookie = setCookie.find((c) => c.startsWith('n8n-auth='));
	if (!cookie) throw new Error('POST /rest/login set no n8n-auth cookie');
	instance.cookie = cookie.split(';')[0];
	return instance.cookie;
}

/** A logged-in call to n8n's internal REST API; returns the unwrapped `data` on 2xx. */
export async function rest(instance: N8nInstance, method: string, route: string, body?: unknown): Promise<any> {
	if (!instance.cookie) await login(instance);
	const r = await rawRequest(instance, method, route, body);
	if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${JSON.stringify(r.body)}`);
	return r.body && typeof r.body === 'object' && 'data' in r.body ? r.body.data : r.body;
}

/** Executions the server knows about, newest first (what the editor's Executions list shows). */
export async function listExecutions(instance: N8nInstance, filter: { workflowId?: string; status?: string[] } = {}): Promise<any[]> {
	const query = new URLSearchParams({ filter: JSON.stringify(filter), limit: '100' });
	const data = await rest(instance, 'GET', `/rest/executions?${query}`);
	return data.results;
}

/**
 * Runs a stored credential's `test` request through n8n (the editor's "Retry"/save check).
 * `data` overrides stored fields (e.g. a bad apiKey); the rest is unredacted by n8n.
 * Resolves to n8n's answer: `{ status: 'OK' | 'Error', message }`.
 */
export async function testCredential(instance: N8nInstance, credentialId: string, data: Record<string, unknown> = {}): Promise<{ status: string; message: string }> {
	const stored = await rest(instance, 'GET', `/rest/credentials/${credentialId}?includeData=true`);
	const credentials = { id: stored.id, name: stored.name, type: stored.type, data: { ...stored.data, ...data } };
	return await rest(instance, 'POST', '/rest/credentials/test', { credentials });
}

// ---------------------------------------------------------------------------------------------
// More n8n processes for one instance (queue mode: `n8n worker`, `n8n webhook`, or a main with
// other settings). Additions only: start() above is unchanged.

export interface N8nProcess {
	/** 'start', 'worker', 'webhook' (the n8n command), plus a label of the caller's choice. */
	command: string;
	label: string;
	child: ChildProcess;
	logFile: string;
	env: Record<string, string>;
	/** The exit code once the process has exited (undefined while it runs). */
	exitCode(): number | null | undefined;
}

/**
 * Spawns `n8n <command> [...args]` in its own process group with the instance's environment plus
 * `env` (which wins), output to `logFile`. Does not wait: see waitForReady().
 */
export function spawnN8n(
	instance: N8nInstance,
	command: string,
	opts: { args?: string[]; env?: Record<string, string>; logFile: string; label?: string; cwd?: string },
): N8nProcess {
	const env = { ...instance.env, ...opts.env };
	const log = fs.openSync(opts.logFile, 'a');
	const child = spawn(instance.paths.nodeBin, [instance.paths.n8nBin, command, ...(opts.args ?? [])], {
		env,
		cwd: opts.cwd ?? env.N8N_USER_FOLDER ?? instance.userFolder,
		stdio: ['ignore', log, log],
		detached: true,
	});
	fs.closeSync(log);
	track(child);
	let exited: number | null | undefined;
	child.once('exit', (code, signal) => (exited = code ?? (signal ? -1 : null)));
	return { command, label: opts.label ?? command, child, logFile: opts.logFile, env, exitCode: () => exited };
}

/** Polls `url` (e.g. `/healthz/readiness`) until it answers 2xx; fails early if the process exits. */
export async function waitForReady(proc: N8nProcess, url: string, opts: { timeoutMs?: number } = {}): Promise<void> {
	const timeoutMs = opts.timeoutMs ?? 120_000;
	const tailOf = () => {
		try {
			return fs.readFileSync(proc.logFile, 'utf8').slice(-4000);
		} catch {
			return '(no log)';
		}
	};
	const answer = await awaitReadiness(url, timeoutMs, () => proc.exitCode() !== undefined);
	if (answer === 'ready') return;
	if (proc.exitCode() !== undefined) throw new Error(`n8n ${proc.label} exited with ${proc.exitCode()} before it was ready:\n${tailOf()}`);
	throw new Error(`n8n ${proc.label} not ready at ${url} within ${timeoutMs} ms (${answer}):\n${tailOf()}`);
}

/** Stops one spawned n8n process group (SIGTERM, then SIGKILL after graceMs); safe to call twice. */
export async function stopN8nProcess(proc: N8nProcess, graceMs = 15_000): Promise<void> {
	await stopGroup(proc.child, graceMs);
}

/**
 * A logged-in request to the instance's REST API that hands back the raw answer (status, headers,
 * the body as bytes): for binary downloads and for asserting non-2xx answers, which rest() throws on.
 */
export async function restFetch(instance: N8nInstance, method: string, route: string, body?: unknown): Promise<AxiosResponse<Buffer>> {
	if (!instance.cookie) await login(instance);
	return await http.request<Buffer>({ method, url: `${instance.baseUrl}${route}`, headers: restHeaders(instance, body), data: body, responseType: 'arraybuffer' });
}
