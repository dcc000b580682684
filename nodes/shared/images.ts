import type { IBinaryData, IN8nHttpFullResponse } from 'n8n-workflow';

import type { ApiContext } from './api';
import { bodyOrThrow, cancelSignalOf } from './api';
import { DOWNLOAD_MAX_BYTES, DOWNLOAD_TIMEOUT_MS } from './constants';
import { withRetry } from './retry';

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

/** Result URLs come from the API or from a webhook payload: only plain web URLs are fetched. */
export function assertWebUrl(url: string): URL {
	if (!URL.canParse(url)) throw new Error(`Not a valid image URL: ${url}`);
	const parsed = new URL(url);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new Error(`Refusing to download ${parsed.protocol} URL ${url}: only http and https image URLs are fetched`);
	}
	return parsed;
}

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

function drain(body: unknown): void {
	(body as { resume?: () => void } | undefined)?.resume?.();
}

/**
 * Downloads one result image straight into n8n's binary data store, streaming, so a batch of
 * 4K images never sits in memory; retried like any idempotent request, including truncation.
 */
export async function downloadImageAsBinary(
	ctx: ApiContext,
	url: string,
	jobId: string,
	imageNumber: number,
): Promise<IBinaryData> {
	assertWebUrl(url);
	return await withRetry(
		async () => {
			const response = (await ctx.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				json: false,
				timeout: DOWNLOAD_TIMEOUT_MS,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				abortSignal: cancelSignalOf(ctx),
			})) as IN8nHttpFullResponse;
			if (response.statusCode < 200 || response.statusCode >= 300) {
				drain(response.body);
				bodyOrThrow(response);
			}
			const expectedBytes = Number(response.headers['content-length']);
			if (expectedBytes > DOWNLOAD_MAX_BYTES) {
				drain(response.body);
				throw new Error(`The image at ${url} is larger than ${DOWNLOAD_MAX_BYTES / 1024 / 1024} MB`);
			}
			const { mimeType, extension } = imageTypeOf(url, String(response.headers['content-type'] ?? ''));
			const binary = await ctx.helpers.prepareBinaryData(
				response.body as Parameters<typeof ctx.helpers.prepareBinaryData>[0],
				imageFileName(jobId, imageNumber, extension),
				mimeType,
			);
			const storedBytes = (binary as IBinaryData & { bytes?: number }).bytes;
			if (expectedBytes > 0 && storedBytes !== undefined && storedBytes !== expectedBytes) {
				throw new TruncatedDownloadError(`The image download stopped after ${storedBytes} of ${expectedBytes} bytes`);
			}
			return binary;
		},
		{ idempotent: true, signal: cancelSignalOf(ctx) },
	);
}
