/** "Bad days on demand": injected errors, dropped connections, stalls and broken downloads. */
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { SimState } from './state';
import type { FaultSpec } from './types';
import { retryAfterValue, sendJson } from './util';

const KINDS = [403, 404, 429, 500, 503, 'reset', 'stall', 'slow-download', 'truncate-download', 'stall-download', 'gzip-download', 'html-download'];
const DOWNLOAD_KINDS = ['slow-download', 'truncate-download', 'stall-download', 'gzip-download', 'html-download'];
/** What 'html-download' serves under the file's own image Content-Type: a login or error page a CDN might send. */
export const HTML_INSTEAD_OF_IMAGE = '<html><body>Sign in</body></html>';

/** Download faults are answered by the file handler (they need the file); the others before any handling. */
export function isDownloadFault(f: FaultSpec): boolean {
	return DOWNLOAD_KINDS.includes(f.kind as string);
}

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
	for (const k of ['retryAfterSeconds', 'stallMs', 'afterBytes'] as const) if (o[k] !== undefined && typeof o[k] !== 'number') return `${k} must be a number`;
	return null;
}

/** Takes one use of the first fault matching this request. Download faults only match file GETs. */
export function takeFault(state: SimState, method: string, path: string): FaultSpec | null {
	for (const f of state.faults) {
		if (f.count < 1) continue;
		if (f.pathPrefix && !path.startsWith(f.pathPrefix)) continue;
		if (f.method && f.method.toUpperCase() !== method) continue;
		if (isDownloadFault(f) && !(isFilePath(path) && (method === 'GET' || method === 'HEAD'))) continue;
		f.count--;
		state.faults = state.faults.filter((x) => x.count > 0);
		return { ...f };
	}
	return null;
}

/** Answers (or refuses to answer) a request with a non-download fault. */
export function applyFault(state: SimState, f: FaultSpec, res: ServerResponse): void {
	if (f.kind === 403) {
		sendJson(res, 403, { error: 'Forbidden' });
	} else if (f.kind === 404) {
		sendJson(res, 404, { error: 'Not found' });
	} else if (f.kind === 429) {
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

/**
 * Sends a file slowly (over stallMs), truncated (full Content-Length, half the bytes), stalled
 * (full Content-Length, the first afterBytes, then nothing for stallMs, then the connection
 * drops), gzipped whatever the client asked for (Content-Length of the compressed bytes), or as
 * an HTML page under the image's Content-Type.
 */
export function sendFaultyFile(
	state: SimState,
	f: FaultSpec,
	res: ServerResponse,
	headers: Record<string, string>,
	bytes: Buffer,
	head: boolean,
): void {
	if (f.kind === 'gzip-download') {
		const gzipped = gzipSync(bytes);
		res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': String(gzipped.length) });
		res.end(head ? undefined : gzipped);
		return;
	}
	if (f.kind === 'html-download') {
		res.writeHead(200, { ...headers, 'Content-Length': String(Buffer.byteLength(HTML_INSTEAD_OF_IMAGE)) });
		res.end(head ? undefined : HTML_INSTEAD_OF_IMAGE);
		return;
	}
	res.writeHead(200, headers);
	if (head) {
		res.end();
		return;
	}
	if (f.kind === 'truncate-download') {
		res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
		return;
	}
	if (f.kind === 'stall-download') {
		state.held.add(res);
		res.write(bytes.subarray(0, Math.min(bytes.length - 1, f.afterBytes ?? 1024)));
		state.timers.after(f.stallMs ?? 30000, () => {
			state.held.delete(res);
			res.socket?.destroy();
		});
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
