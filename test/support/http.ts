/**
 * The tooling's one HTTP client (tests, e2e, scripts, bench), on axios: a timeout on every
 * request, every status handed back for the caller to judge, a short retry while a service
 * starts, and bodies streamed where files move.
 *
 * Never imported by nodes/ or credentials/: in a node, HTTP goes through this.helpers (n8n's
 * rules). test/nodes/noAxiosInNodes.test.ts holds that line.
 */
import axios, {
	AxiosHeaders,
	isAxiosError,
	type AxiosRequestConfig,
	type AxiosRequestHeaders,
	type AxiosRequestTransformer,
	type AxiosResponse,
	type InternalAxiosRequestConfig,
	type RawAxiosHeaders,
} from 'axios';
import type { Readable } from 'node:stream';

import { sleep } from './waiting';

export const DEFAULT_TIMEOUT_MS = 60_000;

const [defaultTransformRequest] = axios.defaults.transformRequest as AxiosRequestTransformer[];

export const http = axios.create({
	// Node's http module (not axios's fetch adapter), so a 'stream' response is a Node Readable.
	adapter: 'http',
	timeout: DEFAULT_TIMEOUT_MS,
	// Every service the tooling talks to is on this machine: an HTTP(S)_PROXY must not reroute it.
	proxy: false,
	// A 404, 429 or 503 is often the very answer a test asserts: callers read the status.
	validateStatus: () => true,
	// Strings go out byte for byte: axios would re-encode one that is not valid JSON under a JSON
	// content type (a test's malformed body), and a webhook's signature covers its exact bytes.
	transformRequest: [
		function (this: InternalAxiosRequestConfig, data: unknown, headers: AxiosRequestHeaders) {
			return typeof data === 'string' ? data : defaultTransformRequest.call(this, data, headers);
		},
	],
});

export const isOk = (status: number) => status >= 200 && status < 300;

type HasHeaders = { headers: AxiosResponse['headers'] | AxiosHeaders };

/** Response headers as a Headers-like object: `get(name)`, case-insensitive. */
export function headersOf(res: HasHeaders): AxiosHeaders {
	return AxiosHeaders.from(res.headers as RawAxiosHeaders | AxiosHeaders);
}

/** A header's value as one string (or null), the way the Fetch API's `headers.get` gives it. */
export function header(res: HasHeaders, name: string): string | null {
	const value = headersOf(res).get(name);
	if (value === undefined || value === null || value === false) return null;
	return Array.isArray(value) ? value.join(', ') : String(value);
}

export interface Download {
	status: number;
	headers: AxiosHeaders;
	bytes: Buffer;
}

/** GET a file whole, as bytes (whatever its status: a 404's body is bytes too). */
export async function download(url: string, config: AxiosRequestConfig = {}): Promise<Download> {
	const res = await http.request<Buffer>({ method: 'GET', url, responseType: 'arraybuffer', ...config });
	return { status: res.status, headers: headersOf(res), bytes: Buffer.isBuffer(res.data) ? res.data : Buffer.from(res.data) };
}

/**
 * GET a file as a stream, each chunk handed to `onChunk` and dropped: for hashing or counting a
 * download without holding it. Resolves once the body has ended; a body cut short rejects.
 */
export async function drain(url: string, onChunk: (chunk: Buffer) => void, config: AxiosRequestConfig = {}): Promise<{ status: number; headers: AxiosHeaders; length: number }> {
	const res = await http.request<Readable>({ method: 'GET', url, responseType: 'stream', ...config });
	let length = 0;
	for await (const chunk of res.data) {
		length += (chunk as Buffer).length;
		onChunk(chunk as Buffer);
	}
	return { status: res.status, headers: headersOf(res), length };
}

export interface StartupRetry {
	/** How long the service may take to come up, in ms, counted from the first attempt. */
	withinMs: number;
	/** Pause between attempts (default 250 ms). */
	intervalMs?: number;
	/** Asked before each attempt: true when the service will not come (its process exited). */
	giveUpIf?: () => boolean;
}

/**
 * What a service that is still starting answers: the connection refused (not listening yet) or
 * reset (a listener not wired up yet), an attempt that got no answer within its own timeout, or
 * 503 (n8n's /healthz/readiness until its database is migrated and it is fully up).
 */
const STARTING_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT']);
const isStarting = (err: unknown) => isAxiosError(err) && !err.response && STARTING_CODES.has(err.code ?? '');

/**
 * Sends `send()` until the answer is not one of a starting service, or until `withinMs` is over:
 * then the last answer is returned (a 503 included) or the last error thrown. Meant for idempotent
 * requests (readiness probes): a reset request may have reached the server.
 */
export async function retryWhileStarting<T>(send: () => Promise<AxiosResponse<T>>, retry: StartupRetry): Promise<AxiosResponse<T>> {
	const deadline = Date.now() + retry.withinMs;
	for (;;) {
		if (retry.giveUpIf?.()) throw new Error('gave up waiting: the service will not start');
		let res: AxiosResponse<T>;
		try {
			res = await send();
		} catch (err) {
			if (!isStarting(err) || Date.now() > deadline) throw err;
			await sleep(retry.intervalMs ?? 250);
			continue;
		}
		if (res.status !== 503 || Date.now() > deadline) return res;
		await sleep(retry.intervalMs ?? 250);
	}
}
