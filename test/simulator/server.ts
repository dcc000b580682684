/** HTTP entry point: reads the body, records the request, applies faults, then routes. */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { handleAdmin } from './admin';
import { handleApi } from './api';
import { applyFault, isDownloadFault, isFilePath, takeFault } from './faults';
import { serveFile } from './files';
import type { SimState } from './state';
import type { RecordedRequest } from './types';
import { MAX_UPLOAD_BYTES } from './uploads';
import { BodyTooLarge, maskKey, readBody, sendJson } from './util';

const MAX_BODY = MAX_UPLOAD_BYTES + 1024 * 1024;
const SECRET_HEADERS = ['x-api-key', 'authorization'];

export function createServer(state: SimState): http.Server {
	return http.createServer((req, res) => {
		handle(state, req, res).catch((e: Error) => {
			if (!res.headersSent) sendJson(res, 500, { error: 'Simulator error', message: e.message });
			else res.destroy();
		});
	});
}

async function handle(state: SimState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://sim.invalid');
	const path = url.pathname;
	const method = (req.method ?? 'GET').toUpperCase();
	// Like the real API: an id to quote in error reports.
	res.setHeader('x-request-id', randomUUID());

	const admin = path.startsWith('/__sim/');
	let body: Buffer;
	try {
		body = await readBody(req, MAX_BODY);
	} catch (e) {
		if (!(e instanceof BodyTooLarge)) return;
		if (!admin) record(state, req, path, url, Buffer.alloc(0), res);
		sendJson(res, 413, { error: 'Request body too large', maxBytes: MAX_UPLOAD_BYTES }, { Connection: 'close' });
		return;
	}
	if (admin) return handleAdmin(state, method, path, body, res);

	const rec = record(state, req, path, url, body, res);
	const fault = takeFault(state, method, path);
	if (fault) rec.fault = String(fault.kind);
	if (fault && !isDownloadFault(fault)) {
		// Faults answer before any normal handling: nothing is created or charged.
		return applyFault(state, fault, res);
	}
	if (isFilePath(path)) return serveFile(state, method, path, res, fault);
	if (path.startsWith('/v2/')) return handleApi(state, { method, path, query: url.searchParams, req, body }, res);
	sendJson(res, 404, { error: 'Not found' });
}

function record(
	state: SimState,
	req: http.IncomingMessage,
	path: string,
	url: URL,
	body: Buffer,
	res: http.ServerResponse,
): RecordedRequest {
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(req.headers)) {
		const value = Array.isArray(v) ? v.join(', ') : (v ?? '');
		headers[k] = SECRET_HEADERS.includes(k) ? maskKey(value) : value;
	}
	const rec: RecordedRequest = {
		at: new Date().toISOString(),
		method: (req.method ?? 'GET').toUpperCase(),
		path,
		query: Object.fromEntries(url.searchParams),
		headers,
		body: describeBody(String(req.headers['content-type'] ?? ''), body),
		status: null,
	};
	state.requests.push(rec);
	// 0 when the connection was dropped before any answer (reset, stall).
	res.on('close', () => {
		rec.status = res.headersSent ? res.statusCode : 0;
	});
	return rec;
}

function describeBody(contentType: string, body: Buffer): unknown {
	if (body.length === 0) return null;
	if (/^multipart\//i.test(contentType)) return `<multipart ${body.length} bytes>`;
	const text = body.toString('utf8');
	try {
		return JSON.parse(text);
	} catch {
		return text.length > 10000 ? `<${body.length} bytes>` : text;
	}
}
