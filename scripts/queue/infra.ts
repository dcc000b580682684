/**
 * Throwaway Postgres and Redis for n8n's queue mode, on 127.0.0.1 and free ports, each in a folder
 * of its own that teardown deletes. Nothing is left running: every server runs in a process group
 * of its own, tracked like the n8n processes (test/e2e/processes.ts), so even an abrupt exit of
 * jest kills it.
 *
 * - Postgres: `initdb` + `postgres` run as the `postgres` user when we are root (initdb refuses
 *   root), as ourselves otherwise. Password auth over TCP; a role and a database for n8n.
 * - Redis: `redis-server --save '' --appendonly no --port N --bind 127.0.0.1`.
 * - Missing binaries are installed with apt-get (Debian packages `redis-server`, `postgresql`),
 *   with service start-up blocked during the install so the packages' own servers do not start.
 *
 * Only Node built-ins: this runs under jest (Node 20) and from ts-node scripts.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

import { freePort, groupAlive, killGroup, live, sleep, track } from '../../test/e2e/processes';

export interface PostgresServer {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	dir: string;
	logFile: string;
	/** `DB_TYPE=postgresdb` and `DB_POSTGRESDB_*` for n8n. */
	n8nEnv: Record<string, string>;
	/** Fast shutdown (SIGINT), then the folder is deleted; safe to call twice. */
	stop(): Promise<void>;
}

export interface RedisServer {
	host: string;
	port: number;
	dir: string;
	logFile: string;
	/** `QUEUE_BULL_REDIS_HOST/PORT` for n8n. */
	n8nEnv: Record<string, string>;
	stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Installing what is missing

/** The newest `/usr/lib/postgresql/<major>/bin` holding initdb and postgres, or undefined. */
export function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((d) => /^\d+$/.test(d))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	for (const major of majors) {
		const bin = path.join(root, major, 'bin');
		if (['initdb', 'postgres', 'pg_ctl', 'psql'].every((b) => fs.existsSync(path.join(bin, b)))) return bin;
	}
	// Another layout (a source build, another distribution): initdb on PATH, its siblings next to it.
	const onPath = which('initdb');
	if (onPath) {
		const bin = path.dirname(fs.realpathSync(onPath));
		if (['postgres', 'psql'].every((b) => fs.existsSync(path.join(bin, b)))) return bin;
	}
	return undefined;
}

function which(cmd: string): string | undefined {
	const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
	const found = r.stdout.trim();
	return r.status === 0 && found ? found : undefined;
}

export function redisServerBin(): string | undefined {
	return which('redis-server');
}

export interface InstallReport {
	/** Packages handed to apt-get install (empty when everything was there). */
	requested: string[];
	ms: number;
}

/**
 * Installs `redis-server` and `postgresql` with apt-get when their binaries are missing (or when
 * `force` is set: apt-get then only confirms they are there). The packages' post-install scripts
 * would start their own servers (a `main` cluster on 5432, redis on 6379): a temporary
 * /usr/sbin/policy-rc.d that answers 101 ("action forbidden") keeps them stopped.
 */
export function ensureQueueInfra(opts: { force?: boolean; log?: (line: string) => void } = {}): InstallReport {
	const started = Date.now();
	const wanted: string[] = [];
	if (opts.force || !redisServerBin()) wanted.push('redis-server');
	if (opts.force || !postgresBinDir()) wanted.push('postgresql');
	if (!wanted.length) return { requested: [], ms: 0 };
	if (process.getuid?.() !== 0) {
		throw new Error(`queue mode needs ${wanted.join(' and ')}: install them (apt-get install -y ${wanted.join(' ')}) or run as root`);
	}
	opts.log?.(`installing ${wanted.join(', ')} with apt-get…`);
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = !fs.existsSync(policy);
	if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\n# written by n8n-nodes-seedream scripts/queue/infra.ts during apt-get install\nexit 101\n', { mode: 0o755 });
	try {
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const apt = (args: string[]) => execFileSync('apt-get', args, { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
		try {
			apt(['install', '-y', '--no-install-recommends', ...wanted]);
		} catch {
			// Stale package lists are the usual reason: refresh them once and try again.
			apt(['update']);
			apt(['install', '-y', '--no-install-recommends', ...wanted]);
		}
	} finally {
		if (ownPolicy) fs.rmSync(policy, { force: true });
	}
	if (!redisServerBin()) throw new Error('apt-get finished but redis-server is still missing');
	if (!postgresBinDir()) throw new Error('apt-get finished but initdb/postgres are still missing');
	return { requested: wanted, ms: Date.now() - started };
}

// ---------------------------------------------------------------------------------------------
// Helpers

interface RunAs {
	uid?: number;
	gid?: number;
	/** HOME etc. of that user, so tools do not look into root's home. */
	env: NodeJS.ProcessEnv;
}

/** initdb and postgres refuse to run as root: run them as `postgres` then (Debian creates that user). */
function postgresUser(): RunAs {
	if (process.getuid?.() !== 0) return { env: { ...process.env } };
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('postgres:'));
	if (!line) throw new Error('running as root, but there is no `postgres` user to run Postgres as (apt-get install postgresql creates it)');
	const [, , uid, gid, , home] = line.split(':');
	return { uid: Number(uid), gid: Number(gid), env: { ...process.env, HOME: home || '/tmp', USER: 'postgres', LOGNAME: 'postgres' } };
}

function chownTree(dir: string, who: RunAs): void {
	if (who.uid === undefined) return;
	fs.chownSync(dir, who.uid, who.gid!);
	for (const entry of fs.readdirSync(dir)) {
		const p = path.join(dir, entry);
		if (fs.lstatSync(p).isDirectory()) chownTree(p, who);
		else fs.chownSync(p, who.uid, who.gid!);
	}
}

function runSync(bin: string, args: string[], who: RunAs, what: string): string {
	const r = spawnSync(bin, args, { uid: who.uid, gid: who.gid, env: who.env, encoding: 'utf8', cwd: '/' });
	if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr || r.stdout || r.error?.message}`);
	return r.stdout;
}

async function canConnect(host: string, port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = net.connect({ host, port });
		socket.setTimeout(1_000);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

function tail(file: string, chars = 3000): string {
	try {
		return fs.readFileSync(file, 'utf8').slice(-chars);
	} catch {
		return '(no log)';
	}
}

/** Signals the group, waits up to graceMs, then SIGKILLs what is left; untracks the child. */
/** A server's stop(): end its process group, delete its folder; the same promise on every call. */
function stopOnce(child: ChildProcess, signal: NodeJS.Signals, graceMs: number, dir: string): () => Promise<void> {
	let stopping: Promise<void> | undefined;
	return () =>
		(stopping ??= (async () => {
			await endGroup(child, signal, graceMs);
			fs.rmSync(dir, { recursive: true, force: true });
			forgetOnExit(dir);
		})());
}

async function endGroup(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
	const pid = child.pid;
	if (!pid) return;
	killGroup(pid, signal);
	const deadline = Date.now() + graceMs;
	while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
	if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
	while (groupAlive(pid)) await sleep(20);
	live.delete(child);
}

/**
 * Folders to delete if the process ends before their owner's stop() ran: at 'exit' (a crash, an
 * early process.exit) and on SIGINT/SIGTERM/SIGHUP (Ctrl-C on jest), which end Node without an
 * 'exit' event. On a signal the tracked process groups are killed first (SIGKILL), then the
 * folders go, then the signal takes its course (processes.ts re-raises it; so do we when no
 * other listener is left).
 */
const foldersToRemove = new Set<string>();
let exitHook = false;
function removeFoldersNow(): void {
	for (const d of foldersToRemove) {
		try {
			fs.rmSync(d, { recursive: true, force: true });
		} catch {
			// a killed process may still hold a file for a moment: best effort
		}
	}
	foldersToRemove.clear();
}
export function removeOnExit(dir: string): void {
	foldersToRemove.add(dir);
	if (exitHook) return;
	exitHook = true;
	process.once('exit', removeFoldersNow);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			for (const child of live) killGroup(child.pid, 'SIGKILL');
			removeFoldersNow();
			if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
		});
	}
}

/** The folder was removed (or is to be kept) by its owner: nothing to do for it at exit. */
export function forgetOnExit(dir: string): void {
	foldersToRemove.delete(dir);
}

async function portOtherThan(taken: Set<number>): Promise<number> {
	for (;;) {
		const port = await freePort();
		if (!taken.has(port)) {
			taken.add(port);
			return port;
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Postgres

export interface PostgresOptions {
	/** Parent folder; the cluster goes into a new `postgres-*` folder below it. */
	parentDir: string;
	logFile?: string;
	database?: string;
	user?: string;
	/** Ports not to use (e.g. already handed to n8n processes). */
	takenPorts?: Set<number>;
	timeoutMs?: number;
}

/**
 * initdb (no fsync, UTF-8, password auth on 127.0.0.1), `postgres` on a free port with its socket in
 * the cluster folder (never /var/run/postgresql, which belongs to the system's clusters), then a role
 * and a database for n8n. Durability settings are off: the cluster lives for one test run.
 */
export async function startPostgres(opts: PostgresOptions): Promise<PostgresServer> {
	const bin = postgresBinDir();
	if (!bin) throw new Error('Postgres binaries not found: call ensureQueueInfra() first');
	const who = postgresUser();
	const dir = fs.mkdtempSync(path.join(opts.parentDir, 'postgres-'));
	removeOnExit(dir);
	const dataDir = path.join(dir, 'data');
	const socketDir = path.join(dir, 'socket');
	fs.mkdirSync(socketDir);
	const logFile = opts.logFile ?? path.join(dir, 'postgres.log');
	const superPassword = randomBytes(12).toString('hex');
	const pwFile = path.join(dir, 'superuser.pw');
	fs.writeFileSync(pwFile, `${superPassword}\n`, { mode: 0o600 });
	// The postgres user must reach its folder: the parent (a mkdtemp folder, 0700) needs o+x.
	if (who.uid !== undefined) fs.chmodSync(opts.parentDir, fs.statSync(opts.parentDir).mode | 0o011);
	chownTree(dir, who);
	// The log is opened by us and handed over as stdout/stderr: it may stay root's.

	runSync(
		path.join(bin, 'initdb'),
		['-D', dataDir, '-U', 'postgres', `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
		who,
		'initdb',
	);
	fs.rmSync(pwFile, { force: true });

	const port = opts.takenPorts ? await portOtherThan(opts.takenPorts) : await freePort();
	const log = fs.openSync(logFile, 'a');
	const child = spawn(
		path.join(bin, 'postgres'),
		[
			'-D', dataDir,
			'-p', String(port),
			'-c', 'listen_addresses=127.0.0.1',
			'-c', `unix_socket_directories=${socketDir}`,
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=200', // 4 n8n processes with pools of 2–10, CLI calls, migrations
			'-c', 'shared_buffers=64MB',
			'-c', 'logging_collector=off',
		],
		{ uid: who.uid, gid: who.gid, env: who.env, cwd: dir, stdio: ['ignore', log, log], detached: true },
	);
	fs.closeSync(log);
	track(child);
	let exited: number | null | undefined;
	child.once('exit', (code) => (exited = code));

	const database = opts.database ?? 'n8n';
	const user = opts.user ?? 'n8n';
	const password = randomBytes(12).toString('hex');
	const server: PostgresServer = {
		host: '127.0.0.1',
		port,
		database,
		user,
		password,
		dir,
		logFile,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: password,
			DB_POSTGRESDB_SCHEMA: 'public',
		},
		// SIGINT = Postgres's "fast" shutdown: clients are disconnected, no checkpoint wait worth having.
		stop: stopOnce(child, 'SIGINT', 10_000, dir),
	};

	const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
	const psql = (sql: string) => runSync(path.join(bin, 'psql'), ['-h', socketDir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], who, `psql ${sql.slice(0, 40)}`);
	for (;;) {
		if (exited !== undefined) {
			await server.stop();
			throw new Error(`postgres exited with ${exited} before it was ready:\n${tail(logFile)}`);
		}
		if (await canConnect('127.0.0.1', port)) {
			try {
				psql('SELECT 1');
				break;
			} catch {
				// still starting (the database system is starting up)
			}
		}
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error(`postgres did not accept connections within ${opts.timeoutMs ?? 30_000} ms:\n${tail(logFile)}`);
		}
		await sleep(100);
	}
	try {
		psql(`CREATE ROLE "${user}" LOGIN PASSWORD '${password}'`);
		psql(`CREATE DATABASE "${database}" OWNER "${user}"`);
	} catch (err) {
		await server.stop();
		throw err;
	}
	return server;
}

// ---------------------------------------------------------------------------------------------
// Redis

export interface RedisOptions {
	parentDir: string;
	logFile?: string;
	takenPorts?: Set<number>;
	timeoutMs?: number;
}

async function redisPing(host: string, port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = net.connect({ host, port });
		let answer = '';
		socket.setTimeout(1_000);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			answer += d.toString();
			if (answer.includes('\r\n')) {
				socket.destroy();
				resolve(answer.startsWith('+PONG'));
			}
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

/** `redis-server` in the foreground of its own process group: no persistence, loopback only. */
export async function startRedis(opts: RedisOptions): Promise<RedisServer> {
	const bin = redisServerBin();
	if (!bin) throw new Error('redis-server not found: call ensureQueueInfra() first');
	const dir = fs.mkdtempSync(path.join(opts.parentDir, 'redis-'));
	removeOnExit(dir);
	const logFile = opts.logFile ?? path.join(dir, 'redis.log');
	const port = opts.takenPorts ? await portOtherThan(opts.takenPorts) : await freePort();
	const log = fs.openSync(logFile, 'a');
	const child = spawn(bin, ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'], {
		cwd: dir,
		stdio: ['ignore', log, log],
		detached: true,
	});
	fs.closeSync(log);
	track(child);
	let exited: number | null | undefined;
	child.once('exit', (code) => (exited = code));
	const server: RedisServer = {
		host: '127.0.0.1',
		port,
		dir,
		logFile,
		n8nEnv: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
		stop: stopOnce(child, 'SIGTERM', 5_000, dir),
	};
	const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
	while (!(await redisPing('127.0.0.1', port))) {
		if (exited !== undefined || Date.now() > deadline) {
			await server.stop();
			throw new Error(`redis-server ${exited !== undefined ? `exited with ${exited}` : 'did not answer PING'}:\n${tail(logFile)}`);
		}
		await sleep(50);
	}
	return server;
}
