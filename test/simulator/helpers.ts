/** Shared test helpers: a fast simulator, a small JSON client, polling. */
import type { AxiosHeaders } from 'axios';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { download as downloadBytes, header, headersOf, http as client } from '../support/http';
import { startSimulator, type Simulator, type SimulatorOptions } from './index';

/** 15 s jobs take ~75 ms, 2048 px images are 64 px. */
export const FAST: SimulatorOptions = { timeScale: 0.005, imageScale: 1 / 32 };

export function start(opts: SimulatorOptions = {}): Promise<Simulator> {
	return startSimulator({ ...FAST, ...opts });
}

export interface Res {
	status: number;
	/** `get(name)`, case-insensitive. */
	headers: AxiosHeaders;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
	text: string;
}

export async function call(
	sim: Simulator,
	method: string,
	path: string,
	o: { body?: unknown; raw?: string; headers?: Record<string, string>; key?: string | null } = {},
): Promise<Res> {
	const headers: Record<string, string> = { ...(o.headers ?? {}) };
	const key = o.key === undefined ? sim.apiKey : o.key;
	if (key !== null) headers['X-API-Key'] = key;
	let body: string | undefined = o.raw;
	if (o.body !== undefined) {
		body = JSON.stringify(o.body);
		headers['Content-Type'] = 'application/json';
	}
	// The text as sent, parsed here: a test may assert on a body that is not JSON.
	const r = await client.request<string>({ method, url: `${sim.url}${path}`, headers, data: body, responseType: 'text' });
	const text = r.data;
	let json: unknown = undefined;
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON; text is there
	}
	return { status: r.status, headers: headersOf(r), json, text };
}

export function generate(sim: Simulator, body: unknown, o: { headers?: Record<string, string>; key?: string | null } = {}): Promise<Res> {
	return call(sim, 'POST', '/v2/images/generate', { body, ...o });
}

export const body = (prompt = 'a red fox in snow', seedreamParams?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	model: 'seedream-4.5',
	prompt,
	...(seedreamParams ? { seedreamParams } : {}),
	...extra,
});

import { waitFor } from '../support/waiting';

export { sleep, waitFor } from '../support/waiting';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function waitForJob(sim: Simulator, id: string, statuses = ['COMPLETED', 'FAILED'], key?: string): Promise<any> {
	return waitFor(async () => {
		const r = await call(sim, 'GET', `/v2/jobs/${id}`, { key });
		return statuses.includes(r.json?.status) ? r.json : undefined;
	}, 10000, `job ${id} to be ${statuses.join('|')}`);
}

/** Submits and waits for the job to end; returns the final job object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runJob(sim: Simulator, b: unknown): Promise<any> {
	const r = await generate(sim, b);
	if (r.status !== 202) throw new Error(`submit failed: ${r.status} ${r.text}`);
	return waitForJob(sim, r.json.jobId);
}

export async function download(url: string): Promise<{ status: number; type: string | null; length: string | null; bytes: Buffer }> {
	const r = await downloadBytes(url);
	return { status: r.status, type: header(r, 'content-type'), length: header(r, 'content-length'), bytes: r.bytes };
}

export interface Received {
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
	at: number;
}

/** A local webhook receiver; `respond` picks the status for the n-th request (0-based). */
export async function receiver(respond: (n: number) => number = () => 200): Promise<{ url: string; got: Received[]; close: () => Promise<void> }> {
	const got: Received[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const n = got.length;
			got.push({ headers: req.headers, raw: Buffer.concat(chunks), at: Date.now() });
			res.writeHead(respond(n)).end();
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		got,
		close: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
	};
}
