/**
 * Process bookkeeping for the real-n8n harness: every n8n process runs in its own process group
 * (spawn with detached: true, like setsid) because n8n starts task-runner children; killing
 * the group is the only way to be sure nothing is left behind.
 */
import type { ChildProcess } from 'child_process';
import * as net from 'net';
import { sleep } from '../support/waiting';

// Every process we spawn, so teardown (and even an abrupt exit of jest) leaves nothing behind.
export const live = new Set<ChildProcess>();
let exitHookInstalled = false;

export function track(child: ChildProcess): void {
	// Not removed on 'exit': the leader may die while its task runners live on; stopGroup()
	// removes a child once its whole group is gone.
	live.add(child);
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.once('exit', killAll);
		// Our groups are detached, so Ctrl-C on jest would not reach them: kill them, then
		// re-raise the signal so jest (or the default handler) still does what it would have.
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
			const onSignal = () => {
				killAll();
				process.removeListener(signal, onSignal);
				process.kill(process.pid, signal);
			};
			process.on(signal, onSignal);
		}
	}
}

function killAll(): void {
	for (const c of live) killGroup(c.pid, 'SIGKILL');
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// ESRCH: the group is already gone.
	}
}

export function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

export { sleep } from '../support/waiting';

/** Kills a process group (n8n plus its task runners) and waits until none of it is left. */
export async function stopGroup(child: ChildProcess, graceMs = 15_000): Promise<void> {
	const pid = child.pid;
	if (!pid) return;
	killGroup(pid, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
	if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
	while (groupAlive(pid)) await sleep(50);
	live.delete(child);
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}
