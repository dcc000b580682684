/** POST /v2/uploads: a small multipart/form-data parser and the upload store. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { readImageDims, sniffImage } from './images';
import type { SimState } from './state';
import { sendJson } from './util';

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
/** Upload URLs live about 1-2 h on the real API. */
const UPLOAD_TTL_MS = 2 * 60 * 60 * 1000;

export interface Part {
	name: string;
	filename: string | null;
	contentType: string | null;
	data: Buffer;
}

/** Splits a multipart body into parts; null when the body is not valid multipart. */
export function parseMultipart(body: Buffer, contentType: string): Part[] | null {
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!m) return null;
	const delim = Buffer.from(`--${m[1] ?? m[2]}`);
	const parts: Part[] = [];
	let pos = body.indexOf(delim);
	if (pos < 0) return null;
	for (;;) {
		pos += delim.length;
		// '--' after a delimiter closes the body.
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
		if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
		const headEnd = body.indexOf('\r\n\r\n', pos);
		if (headEnd < 0) return null;
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), headEnd + 4);
		if (next < 0) return null;
		const head = body.toString('utf8', pos, headEnd);
		const disp = /content-disposition:[^\r\n]*?\bname="([^"]*)"/i.exec(head);
		const file = /content-disposition:[^\r\n]*?\bfilename="([^"]*)"/i.exec(head);
		const type = /content-type:\s*([^\r\n;]+)/i.exec(head);
		parts.push({
			name: disp?.[1] ?? '',
			filename: file?.[1] ?? null,
			contentType: type?.[1].trim() ?? null,
			data: body.subarray(headEnd + 4, next),
		});
		pos = next + 2;
	}
}

export function handleUpload(state: SimState, apiKey: string, contentType: string, body: Buffer, res: ServerResponse): void {
	if (!/^multipart\/form-data/i.test(contentType)) {
		sendJson(res, 400, { error: 'Validation failed', details: { file: ['request must be multipart/form-data with a file field'] } });
		return;
	}
	const parts = parseMultipart(body, contentType);
	if (!parts) {
		sendJson(res, 400, { error: 'Malformed multipart body' });
		return;
	}
	const part = parts.find((p) => p.name === 'file');
	if (!part || part.data.length === 0) {
		sendJson(res, 400, { error: 'Validation failed', details: { file: ['is required'] } });
		return;
	}
	if (part.data.length > MAX_UPLOAD_BYTES) {
		sendJson(res, 413, { error: 'File too large', maxBytes: MAX_UPLOAD_BYTES });
		return;
	}
	const kind = sniffImage(part.data);
	if (!kind) {
		sendJson(res, 400, { error: 'Validation failed', details: { file: ['must be an image (png, jpeg, gif or webp)'] } });
		return;
	}
	const id = randomUUID();
	const now = Date.now();
	const dims = readImageDims(part.data);
	const expiresAt = now + state.scaled(UPLOAD_TTL_MS);
	state.uploads.set(id, {
		id,
		apiKey,
		contentType: kind.contentType,
		ext: kind.ext,
		bytes: part.data,
		width: dims?.[0] ?? null,
		height: dims?.[1] ?? null,
		createdAt: now,
		expiresAt,
	});
	sendJson(res, 201, {
		id,
		url: `${state.baseUrl}/uploads/${id}.${kind.ext}`,
		kind: 'image',
		contentType: kind.contentType,
		byteSize: part.data.length,
		expiresAt: new Date(expiresAt).toISOString(),
	});
}
