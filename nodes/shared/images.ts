import type { IBinaryData, IN8nHttpFullResponse } from 'n8n-workflow';

import type { ApiContext } from './api';
import { cancelSignalOf } from './api';
import { DOWNLOAD_MAX_BYTES, DOWNLOAD_MAX_REDIRECTS, DOWNLOAD_STORE_BUDGET_BYTES, DOWNLOAD_UNKNOWN_SIZE_BYTES } from './constants';
import type { DownloadLimits } from './downloadWatch';
import { DownloadStalledError, downloadLimits, DownloadWatch } from './downloadWatch';
import { describeHead, IMAGE_HEAD_BYTES, imageTypeOfBytes, readHead } from './imageBytes';
import { ApiframeHttpError, isNetworkError, parseRetryAfterMs, withRetry } from './retry';
import { StoreBudget } from './storeBudget';
import type { UrlPolicy } from './trustedUrls';
import { checkImageUrl } from './trustedUrls';

export function imageFileName(jobId: string, imageNumber: number, extension: string): string {
	return `${jobId || 'image'}-${imageNumber}.${extension}`;
}

/** The image host could not be reached, after every retry. */
export class ImageDownloadNetworkError extends Error {
	constructor(
		readonly url: string,
		cause: unknown,
	) {
		super(`The image download from ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
		this.name = 'ImageDownloadNetworkError';
	}
}

/** A URL, redirect or size the rules refuse: never retried, and its message is what the user reads. */
export class DownloadRefusedError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DownloadRefusedError';
	}
}

/**
 * The image server answered a status other than 2xx. A subclass of the API's error only so that
 * withRetry keeps one rule (5xx and 429 with Retry-After are retried, the rest is final);
 * errors.ts explains it as a download, never as an answer of the API.
 */
export class ImageDownloadHttpError extends ApiframeHttpError {
	constructor(
		readonly url: string,
		statusCode: number,
		retryAfterMs: number | undefined,
	) {
		super(statusCode, undefined, retryAfterMs, undefined);
		this.name = 'ImageDownloadHttpError';
		this.message = `The image download from ${url} failed (HTTP ${statusCode})`;
	}
}

export interface ByteCounter {
	bytes: number;
	/** Set once the cap was passed: the stream was destroyed with this error. */
	over?: DownloadRefusedError;
}

/** What this file needs of the Node Readable that `encoding: 'stream'` returns (node code cannot import 'stream'). */
export interface BodyStream {
	pause(): unknown;
	resume(): unknown;
	unshift(chunk: Uint8Array): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	destroy(error?: Error): unknown;
}

function asStream(body: unknown): BodyStream | undefined {
	const candidate = body as Partial<BodyStream> | undefined;
	return typeof candidate?.on === 'function' && typeof candidate.destroy === 'function' ? (candidate as BodyStream) : undefined;
}

/** Drops a body we will not read; destroying (not draining) so a huge one is not downloaded anyway. */
function discard(body: unknown): void {
	asStream(body)?.destroy();
}

function header(headers: IN8nHttpFullResponse['headers'], name: string): string | undefined {
	const value = headers?.[name];
	const text = Array.isArray(value) ? value[0] : value;
	return text === undefined || text === null ? undefined : String(text);
}

function mib(bytes: number): string {
	return `${Math.round((bytes / 1024 / 1024) * 100) / 100} MiB`;
}

/**
 * Counts the bytes of a body as they stream, whether or not the server sent Content-Length, and
 * destroys the stream with a DownloadRefusedError once it passes the cap. Every way n8n's binary
 * stores read a stream (async iteration: filesystem; a 'data' listener: database and memory
 * mode; pipe: object stores) goes through read(), which emits 'data', so this listener sees every
 * chunk. The stream is paused first, so that our listener does not start the flow before the
 * store reads (those chunks would be lost); a paused stream stays paused when a 'data' listener
 * is added, so the first consumer that adds one resumes it (resume() starts the flow on the next
 * tick, after that listener is in place).
 */
export function capStreamBytes(body: BodyStream, url: string, maxBytes: number, onBytes?: (total: number) => void): ByteCounter {
	const counter: ByteCounter = { bytes: 0 };
	body.pause();
	body.on('data', (...args: unknown[]) => {
		counter.bytes += (args[0] as { length: number }).length;
		onBytes?.(counter.bytes);
		if (counter.bytes > maxBytes && !counter.over) {
			counter.over = new DownloadRefusedError(
				`The image at ${url} is larger than the download cap of ${mib(maxBytes)} (${maxBytes} bytes): the download was stopped there`,
			);
			body.destroy(counter.over);
		}
	});
	const resumeForDataConsumer = (...args: unknown[]) => {
		if (args[0] !== 'data') return;
		body.off('newListener', resumeForDataConsumer);
		body.resume();
	};
	body.on('newListener', resumeForDataConsumer);
	// The store's own listener reports the error; this one only keeps a late 'error' from being unhandled.
	body.on('error', () => undefined);
	return counter;
}

/**
 * Sends the GET for `url` and follows redirects itself (n8n's own following is turned off), checking
 * every hop with the same rule as the first URL, up to DOWNLOAD_MAX_REDIRECTS.
 */
async function getFollowingTrustedRedirects(
	ctx: ApiContext,
	url: URL,
	policy: UrlPolicy,
	signal: AbortSignal,
	timeoutMs: number,
): Promise<{ response: IN8nHttpFullResponse }> {
	let current = url;
	for (let hop = 0; ; hop++) {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url: current.href,
			// The bytes as stored: the HTTP client would decode gzip silently, leaving a Content-Length that does not match.
			headers: { 'Accept-Encoding': 'identity' },
			encoding: 'stream',
			json: false,
			timeout: timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			abortSignal: signal,
		})) as IN8nHttpFullResponse;
		if (response.statusCode < 300 || response.statusCode >= 400 || response.statusCode === 304) return { response };
		discard(response.body);
		const location = header(response.headers, 'location');
		if (!location || !URL.canParse(location, current.href)) {
			throw new DownloadRefusedError(`The image at ${url.href} answered HTTP ${response.statusCode} without a usable Location`);
		}
		const next = new URL(location, current);
		if (hop >= DOWNLOAD_MAX_REDIRECTS) {
			throw new DownloadRefusedError(`The image at ${url.href} redirected more than ${DOWNLOAD_MAX_REDIRECTS} times`);
		}
		const verdict = checkImageUrl(next.href, policy);
		if (!verdict.ok) throw new DownloadRefusedError(`The image at ${url.href} redirected to ${next.href}, which is refused. ${verdict.reason}`);
		current = verdict.url;
	}
}

const storing = new StoreBudget(DOWNLOAD_STORE_BUDGET_BYTES);

function once(release: () => void): () => void {
	let done = false;
	return () => {
		if (done) return;
		done = true;
		release();
	};
}

async function downloadOnce(
	ctx: ApiContext,
	url: URL,
	policy: UrlPolicy,
	fileName: (extension: string) => string,
	limits: DownloadLimits,
): Promise<IBinaryData> {
	const cancel = cancelSignalOf(ctx);
	// Aborting the request is what ends a stalled body: destroying the stream n8n hands over does not.
	const stopper = new AbortController();
	const watch = new DownloadWatch(url.href, Date.now(), (reason) => stopper.abort(reason), limits);
	const signal = cancel ? AbortSignal.any([cancel, stopper.signal]) : stopper.signal;
	let released: (() => void) | undefined;
	let counter: ByteCounter | undefined;
	try {
		const { response } = await getFollowingTrustedRedirects(ctx, url, policy, signal, limits.totalMs);
		if (response.statusCode < 200 || response.statusCode >= 300) {
			discard(response.body);
			throw new ImageDownloadHttpError(url.href, response.statusCode, parseRetryAfterMs(header(response.headers, 'retry-after')));
		}
		const expectedBytes = Number(header(response.headers, 'content-length'));
		if (expectedBytes > DOWNLOAD_MAX_BYTES) {
			discard(response.body);
			throw new DownloadRefusedError(`The image at ${url.href} is larger than the download cap of ${mib(DOWNLOAD_MAX_BYTES)} (${DOWNLOAD_MAX_BYTES} bytes): Content-Length ${expectedBytes}`);
		}
		const body = asStream(response.body);
		if (!body) throw new Error(`The download of ${url.href} did not return a stream`);
		// The store's own listener reports an error; this one keeps a late one from being unhandled.
		body.on('error', () => undefined);
		watch.start(expectedBytes > 0 ? expectedBytes : 0);
		const head = await readHead(body, IMAGE_HEAD_BYTES, (total) => watch.progress(total));
		// The bytes decide the type: an HTML error page served as image/jpeg is not an image.
		const type = imageTypeOfBytes(head);
		if (!type) {
			discard(body);
			const contentType = header(response.headers, 'content-type');
			throw new DownloadRefusedError(`The file at ${url.href} is not an image (${describeHead(head)}; Content-Type ${contentType ?? 'none'})`);
		}
		counter = capStreamBytes(body, url.href, DOWNLOAD_MAX_BYTES, (total) => watch.progress(total));
		// Room in the store budget is asked for once bytes flow, and the watch gives it back when they stop.
		watch.waiting();
		released = once(await storing.acquire(expectedBytes > 0 ? expectedBytes : DOWNLOAD_UNKNOWN_SIZE_BYTES, cancel));
		watch.waited(released);
		const binary = await ctx.helpers.prepareBinaryData(response.body as Parameters<typeof ctx.helpers.prepareBinaryData>[0], fileName(type.extension), type.mimeType);
		if (counter.over) throw counter.over;
		return binary;
	} catch (error) {
		stopper.abort(error);
		throw watch.stopped ?? counter?.over ?? error;
	} finally {
		watch.finish();
		released?.();
	}
}

/**
 * Downloads one result image straight into n8n's binary data store, streaming, so a batch of
 * 4K images never sits in memory. Only URLs the policy trusts are fetched (every redirect hop
 * too), no more than DOWNLOAD_MAX_BYTES of any, and only files whose first bytes are an image.
 * Network errors, stalls, truncation, 5xx and 429 are retried like any idempotent request; a
 * refusal is final.
 */
export async function downloadImageAsBinary(
	ctx: ApiContext,
	url: string,
	jobId: string,
	imageNumber: number,
	policy: UrlPolicy,
	limits: DownloadLimits = downloadLimits(),
): Promise<IBinaryData> {
	const verdict = checkImageUrl(url, policy);
	if (!verdict.ok) throw new DownloadRefusedError(verdict.reason);
	const fileName = (extension: string) => imageFileName(jobId, imageNumber, extension);
	// A refusal is handed out of withRetry as a value, so that no wording of it can look retryable.
	const outcome = await withRetry(
		async () =>
			await downloadOnce(ctx, verdict.url, policy, fileName, limits).then(
				(binary) => ({ binary }),
				(error: unknown) => {
					if (error instanceof DownloadRefusedError) return { refused: error };
					throw error;
				},
			),
		{ idempotent: true, signal: cancelSignalOf(ctx) },
	).catch((error: unknown) => {
		// The image host, not Apiframe, could not be reached: say so, with its URL.
		if (isNetworkError(error) && !(error instanceof DownloadStalledError)) throw new ImageDownloadNetworkError(url, error);
		throw error;
	});
	if ('refused' in outcome) throw outcome.refused;
	return outcome.binary;
}
