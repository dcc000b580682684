/** The simulator's "CDN": job images under /files/ and uploads under /uploads/, no auth. */
import type { ServerResponse } from 'node:http';
import { sendFaultyFile } from './faults';
import { ImageCache, renderImage } from './images';
import { isExpired, jobContentHash } from './jobs';
import type { SimState } from './state';
import type { FaultSpec } from './types';
import { sendJson } from './util';

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' };

export const imageCache = new ImageCache();

/** Bytes and type of a file path, or null when it does not exist (any more). */
export function lookupFile(state: SimState, path: string): { bytes: Buffer; contentType: string } | null {
	const file = /^\/files\/([0-9a-f-]{36})-(\d+)\.(jpg|png)$/.exec(path);
	if (file) {
		const job = state.jobs.get(file[1]);
		if (!job || job.status !== 'COMPLETED' || file[2] !== '1' || file[3] !== job.format) return null;
		if (isExpired(state, job)) return null;
		const hash = jobContentHash(job);
		// Rendered on first download and cached by content, so equal requests share the work.
		const key = `${hash.toString('hex')}:${job.width}x${job.height}.${job.format}`;
		const bytes = imageCache.get(key, () => renderImage(hash, job.width, job.height, job.format));
		return { bytes, contentType: CONTENT_TYPES[job.format] };
	}
	const up = /^\/uploads\/([^./]+)\.(\w+)$/.exec(path);
	if (up) {
		const rec = state.uploads.get(up[1]);
		if (!rec || rec.ext !== up[2] || Date.now() >= rec.expiresAt) return null;
		return { bytes: rec.bytes, contentType: rec.contentType };
	}
	return null;
}

export function serveFile(state: SimState, method: string, path: string, res: ServerResponse, fault: FaultSpec | null): void {
	if (method !== 'GET' && method !== 'HEAD') {
		sendJson(res, 405, { error: 'Method not allowed' }, { Allow: 'GET, HEAD' });
		return;
	}
	const file = lookupFile(state, path);
	if (!file) {
		sendJson(res, 404, { error: 'Not found' });
		return;
	}
	const headers = {
		'Content-Type': file.contentType,
		'Content-Length': String(file.bytes.length),
		'Cache-Control': 'public, max-age=86400',
	};
	if (fault) {
		sendFaultyFile(state, fault, res, headers, file.bytes, method === 'HEAD');
		return;
	}
	res.writeHead(200, headers);
	res.end(method === 'HEAD' ? undefined : file.bytes);
}
