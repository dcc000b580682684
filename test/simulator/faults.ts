/** "Bad days on demand": injected errors, dropped connections, stalls and broken downloads. */
import type { ServerResponse } from 'node:http';
import type { SimState } from './state';
import type { FaultSpec } from './types';
import { retryAfterValue, sendJson } from './util';

const KINDS = [429, 500, 503, 'reset', 'stall', 'slow-download', 'truncate-download'];
const DOWNLOAD_KINDS = ['slow-download', 'truncate-download'];

export function isFilePath(path: string): boolean {
	return path.startsWith('/files/') || path.startsWith('/uploads/');
}

/** Checks an admin-supplied fault; returns an error text or null. */
export function checkFault(f: unknown): string | null {
	if (typeof f !== 'object' || f === null) return 'fault must be an object';
	const o = f as Record<string, unknown>;
	if (!KINDS.includes(o.kind as never)) return `kind must be one of ${KINDS.join(', ')}`;
	if (typeof o.count !== 'number' || !Number.isInteger(o.count) || o.count < 1) return 'count must be a positive integer';
	for (const k of ['pathPrefix', 'method'] as const) if (o[k] !== undefined && typeof o[k] !== 'string') return `${k} must be a string`;
	for (const k of ['retryAfterSeconds', 'stallMs'] as const) if (o[k] !== undefined && typeof o[k] !== 'number') return `${k} must be a number`;
	return null;
}

/** Takes one use of the first fault matching this request. Download faults only match file GETs. */
export function takeFault(state: SimState, method: string, path: string): FaultSpec | null {
	for (const f of state.faults) {
		if (f.count < 1) continue;
		if (f.pathPrefix && !path.startsWith(f.pathPrefix)) continue;
		if (f.method && f.method.toUpperCase() !== method) continue;
		if (DOWNLOAD_KINDS.includes(f.kind as string) && !(isFilePath(path) && (method === 'GET' || method === 'HEAD'))) continue;
		f.count--;
		state.faults = state.faults.filter((x) => x.count > 0);
		return { ...f };
	}
	return null;
}

/** Answers (or refuses to answer) a request with a non-download fault. */
export function applyFault(state: SimState, f: FaultSpec, res: ServerResponse): void {
	if (f.kind === 429) {
		const wait = state.scaled((f.retryAfterSeconds ?? 1) * 1000);
		sendJson(res, 429, { error: 'Too many requests' }, { 'Retry-After': retryAfterValue(wait) });
	} else if (f.kind === 500) {
		sendJson(res, 500, { error: 'Internal server error' });
	} else if (f.kind === 503) {
		sendJson(res, 503, { error: 'Service temporarily unavailable' });
	} else if (f.kind === 'reset') {
		res.socket?.destroy();
	} else if (f.kind === 'stall') {
		// Holds the request without a byte of answer, then drops it, like a hung upstream.
		state.held.add(res);
		state.timers.after(f.stallMs ?? 30000, () => {
			state.held.delete(res);
			res.socket?.destroy();
		});
	}
}

/** Sends a file slowly (over stallMs) or truncated (full Content-Length, half the bytes). */
export function sendFaultyFile(
	state: SimState,
	f: FaultSpec,
	res: ServerResponse,
	headers: Record<string, string>,
	bytes: Buffer,
	head: boolean,
): void {
	res.writeHead(200, headers);
	if (head) {
		res.end();
		return;
	}
	if (f.kind === 'truncate-download') {
		res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
		return;
	}
	const chunks = 20;
	const size = Math.ceil(bytes.length / chunks);
	const step = (f.stallMs ?? 5000) / chunks;
	state.held.add(res);
	const send = (i: number) => {
		if (res.destroyed) return;
		const part = bytes.subarray(i * size, (i + 1) * size);
		if (i >= chunks - 1 || (i + 1) * size >= bytes.length) {
			state.held.delete(res);
			res.end(part);
			return;
		}
		res.write(part);
		state.timers.after(step, () => send(i + 1));
	};
	send(0);
}
