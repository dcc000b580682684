/**
 * One-time process set-up for running n8n-core in-process: a throw-away n8n user folder, the DI
 * services n8n-core pulls from its container, and binary data in filesystem mode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { BinaryDataService, InstanceSettings } from 'n8n-core';

// n8n-core ships its own nested copies of @n8n/di, @n8n/backend-common and @n8n/backend-network
// (newer than the hoisted ones in node_modules/@n8n). DI tokens are class identities, so a
// Container or OutboundHttp imported from the hoisted copy is a *different* container/class and
// `Container.get(InstanceSettings)` fails with "not decorated with Service". Resolving the modules
// from n8n-core's own location always yields the copies n8n-core uses, however npm hoists them.
// The few members used are typed locally, so nothing depends on which copy npm hoists.
const requireFromCore = createRequire(require.resolve('n8n-core'));
type ServiceToken<T = unknown> = abstract new (...args: never[]) => T;
interface DiContainer {
	get<T>(token: ServiceToken<T>): T;
	reset(): void;
}

const { Container } = requireFromCore('@n8n/di') as { Container: DiContainer };
const { Logger } = requireFromCore('@n8n/backend-common') as { Logger: ServiceToken };
const { OutboundHttp } = requireFromCore('@n8n/backend-network') as { OutboundHttp: ServiceToken };

interface HarnessEnvironment {
	/** temp dir used as N8N_USER_FOLDER; binary files live under `<dir>/.n8n/storage` */
	userFolder: string;
	binaryDataService: BinaryDataService;
}

let current: Promise<HarnessEnvironment> | undefined;
let initialisedBefore = false;
let currentFolder: string | undefined;
let exitHookInstalled = false;

/** Env vars we set; restored on cleanup so one suite's temp paths never leak into another run. */
const savedEnv = new Map<string, string | undefined>();

function setEnv(name: string, value: string, onlyIfUnset = false): void {
	if (onlyIfUnset && process.env[name] !== undefined) return;
	if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
	process.env[name] = value;
}

async function initialise(): Promise<HarnessEnvironment> {
	const userFolder = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
	currentFolder = userFolder;
	// n8n-core reads these when its config classes are first constructed (lazily, by the
	// Container), and InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config` on first use.
	setEnv('N8N_USER_FOLDER', userFolder);
	// A fixed key keeps InstanceSettings from printing "No encryption key found" on every suite.
	setEnv('N8N_ENCRYPTION_KEY', 'n8n-harness-test-key', true);
	// Filesystem mode explicitly (the default can become 'database' in queue mode): keeps
	// binaries out of the heap so memory measurements of our nodes are honest.
	setEnv('N8N_DEFAULT_BINARY_DATA_MODE', 'filesystem');
	setEnv('N8N_BINARY_DATA_STORAGE_PATH', path.join(userFolder, 'binary-data'));
	// Like the server, n8n-core logs every failing node with its stack (ErrorReporter) — noise in
	// tests whose failures are asserted from the result. N8N_LOG_LEVEL=warn (or debug) shows them.
	setEnv('N8N_LOG_LEVEL', 'silent', true);
	// Requests in tests go to 127.0.0.1; make sure an inherited SSRF setting cannot block them.
	setEnv('N8N_SSRF_PROTECTION_ENABLED', 'false');

	// After a cleanup the container's cached config objects still point at the deleted folder.
	// (Not reset on first use, so services a test registered itself survive.)
	if (initialisedBefore) Container.reset();
	initialisedBefore = true;

	// Constructing these eagerly (in dependency order) surfaces DI wiring problems here, at
	// set-up, instead of deep inside a node execution. Logger, ErrorReporter and OutboundHttp
	// (which `helpers.httpRequest*` use to really send requests) are plain @Service classes the
	// container builds on demand; BinaryDataService needs an explicit init() to create its
	// filesystem manager.
	Container.get(InstanceSettings);
	Container.get(Logger);
	Container.get(OutboundHttp);
	const binaryDataService = Container.get(BinaryDataService);
	await binaryDataService.init();

	if (!exitHookInstalled) {
		exitHookInstalled = true;
		// Last resort when a test file forgets cleanupHarness(): remove the temp dir on exit.
		process.once('exit', () => removeFolder());
	}
	return { userFolder, binaryDataService };
}

function removeFolder(): void {
	if (currentFolder === undefined) return;
	rmSync(currentFolder, { recursive: true, force: true });
	currentFolder = undefined;
}

/** Sets the environment up once per test file (jest gives every file its own module registry). */
export async function ensureEnvironment(): Promise<HarnessEnvironment> {
	current ??= initialise().catch((error: unknown) => {
		current = undefined;
		throw error;
	});
	return await current;
}

/**
 * Deletes the temp user folder (with all binary files) and restores env vars. Call it in
 * `afterAll`; a later run sets up a fresh environment.
 */
export async function cleanupHarness(): Promise<void> {
	if (current !== undefined) await current.catch(() => undefined);
	current = undefined;
	removeFolder();
	for (const [name, value] of savedEnv) {
		if (value === undefined) delete process.env[name];
		else process.env[name] = value;
	}
	savedEnv.clear();
}
