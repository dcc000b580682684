import type { IBinaryData, IN8nHttpFullResponse } from 'n8n-workflow';

import type { ApiContext } from './api';
import { bodyOrThrow, cancelSignalOf } from './api';
import { DOWNLOAD_MAX_BYTES, DOWNLOAD_MAX_REDIRECTS, DOWNLOAD_STORE_BUDGET_BYTES, DOWNLOAD_TIMEOUT_MS, DOWNLOAD_UNKNOWN_SIZE_BYTES } from './constants';
import { withRetry } from './retry';
import { StoreBudget } from './storeBudget';
import type { UrlPolicy } from './trustedUrls';
import { checkImageUrl } from './trustedUrls';

const EXTENSION_BY_MIME: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/jpg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
};
const MIME_BY_EXTENSION: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
	gif: 'image/gif',
};

/** The server's Content-Type wins; the URL's extension is the fallback; JPEG is Seedream's default. */
export function imageTypeOf(url: string, contentType?: string): { mimeType: string; extension: string } {
	const mime = contentType?.split(';')[0].trim().toLowerCase();
	if (mime && EXTENSION_BY_MIME[mime]) return { mimeType: mime === 'image/jpg' ? 'image/jpeg' : mime, extension: EXTENSION_BY_MIME[mime] };
	const extension = /\.([a-z0-9]+)(?:$|\?)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
	if (extension && MIME_BY_EXTENSION[extension]) {
		return { mimeType: MIME_BY_EXTENSION[extension], extension: extension === 'jpeg' ? 'jpg' : extension };
	}
	return { mimeType: 'image/jpeg', extension: 'jpg' };
}

export function imageFileName(jobId: string, imageNumber: number, extension: string): string {
	return `${jobId || 'image'}-${imageNumber}.${extension}`;
}

class TruncatedDownloadError extends Error {
	readonly code = 'ERR_STREAM_PREMATURE_CLOSE';
}

/** A URL, redirect or size the rules refuse: never retried, and its message is what the user reads. */
export class DownloadRefusedError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DownloadRefusedError';
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
export function capStreamBytes(body: BodyStream, url: string, maxBytes: number): ByteCounter {
	const counter: ByteCounter = { bytes: 0 };
	body.pause();
	body.on('data', (...args: unknown[]) => {
		counter.bytes += (args[0] as { length: number }).length;
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
async function getFollowingTrustedRedirects(ctx: ApiContext, url: URL, policy: UrlPolicy): Promise<{ response: IN8nHttpFullResponse; finalUrl: URL }> {
	let current = url;
	for (let hop = 0; ; hop++) {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url: current.href,
			encoding: 'stream',
			json: false,
			timeout: DOWNLOAD_TIMEOUT_MS,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			abortSignal: cancelSignalOf(ctx),
		})) as IN8nHttpFullResponse;
		if (response.statusCode < 300 || response.statusCode >= 400 || response.statusCode === 304) return { response, finalUrl: current };
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

async function downloadOnce(ctx: ApiContext, url: URL, policy: UrlPolicy, fileName: (extension: string) => string): Promise<IBinaryData> {
	const { response, finalUrl } = await getFollowingTrustedRedirects(ctx, url, policy);
	if (response.statusCode < 200 || response.statusCode >= 300) {
		discard(response.body);
		bodyOrThrow(response);
	}
	const expectedBytes = Number(header(response.headers, 'content-length'));
	if (expectedBytes > DOWNLOAD_MAX_BYTES) {
		discard(response.body);
		throw new DownloadRefusedError(`The image at ${url.href} is larger than the download cap of ${mib(DOWNLOAD_MAX_BYTES)} (${DOWNLOAD_MAX_BYTES} bytes): Content-Length ${expectedBytes}`);
	}
	const body = asStream(response.body);
	if (!body) throw new Error(`The download of ${url.href} did not return a stream`);
	const counter = capStreamBytes(body, url.href, DOWNLOAD_MAX_BYTES);
	const { mimeType, extension } = imageTypeOf(finalUrl.href, header(response.headers, 'content-type'));
	let binary: IBinaryData;
	let released: (() => void) | undefined;
	try {
		// The response waits, unread, until the process has room to store it.
		released = await storing.acquire(expectedBytes > 0 ? expectedBytes : DOWNLOAD_UNKNOWN_SIZE_BYTES, cancelSignalOf(ctx));
		binary = await ctx.helpers.prepareBinaryData(
			response.body as Parameters<typeof ctx.helpers.prepareBinaryData>[0],
			fileName(extension),
			mimeType,
		);
	} catch (error) {
		if (!released) discard(response.body);
		throw counter.over ?? error;
	} finally {
		released?.();
	}
	if (counter.over) throw counter.over;
	const storedBytes = (binary as IBinaryData & { bytes?: number }).bytes;
	if (expectedBytes > 0 && storedBytes !== undefined && storedBytes !== expectedBytes) {
		throw new TruncatedDownloadError(`The image download stopped after ${storedBytes} of ${expectedBytes} bytes`);
	}
	return binary;
}

/**
 * Downloads one result image straight into n8n's binary data store, streaming, so a batch of
 * 4K images never sits in memory. Only URLs the policy trusts are fetched (every redirect hop
 * too), and no more than DOWNLOAD_MAX_BYTES of any. Network errors and truncation are retried
 * like any idempotent request; a refusal is final.
 */
export async function downloadImageAsBinary(
	ctx: ApiContext,
	url: string,
	jobId: string,
	imageNumber: number,
	policy: UrlPolicy,
): Promise<IBinaryData> {
	const verdict = checkImageUrl(url, policy);
	if (!verdict.ok) throw new DownloadRefusedError(verdict.reason);
	const fileName = (extension: string) => imageFileName(jobId, imageNumber, extension);
	// A refusal is handed out of withRetry as a value, so that no wording of it can look retryable.
	const outcome = await withRetry(
		async () =>
			await downloadOnce(ctx, verdict.url, policy, fileName).then(
				(binary) => ({ binary }),
				(error: unknown) => {
					if (error instanceof DownloadRefusedError) return { refused: error };
					throw error;
				},
			),
		{ idempotent: true, signal: cancelSignalOf(ctx) },
	);
	if ('refused' in outcome) throw outcome.refused;
	return outcome.binary;
}
