/**
 * A local stand-in for WordPress's REST API, just the part examples/spreadsheet-to-wordpress.json
 * uses: `POST /wp-json/wp/v2/media` with the file as the raw body. It checks what a real WordPress
 * checks before it stores an upload, and answers with WordPress's codes and messages:
 *
 * - Basic auth with a user and one of their application passwords; no credentials →
 *   401 `rest_not_logged_in`, wrong ones → 401 `rest_cannot_create`;
 * - `Content-Disposition` with a file name (400 `rest_upload_no_content_disposition`);
 * - a non-empty body (400 `rest_upload_no_data`);
 * - an image `Content-Type` that matches the bytes (400 `rest_upload_sideload_error`).
 *
 * A stored upload gets 201 and a media object (`id`, `source_url`, `media_type`, `mime_type`,
 * `media_details.width/height` read from the image); ids increase from 101.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

import { imageSize } from '../../test/support/imageSize';

export interface WordpressUpload {
	id: number;
	user: string;
	fileName: string;
	contentType: string;
	bytes: Buffer;
	sourceUrl: string;
}

export interface WordpressRejection {
	status: number;
	code: string;
	path: string;
}

export interface WordpressStandIn {
	/** The site URL, as the `wordpressApi` credential's "Wordpress URL" field takes it. */
	url: string;
	uploads: WordpressUpload[];
	rejections: WordpressRejection[];
	close(): Promise<void>;
}

export interface WordpressStandInOptions {
	username: string;
	/** An application password as WordPress shows it ("abcd efgh …"); spaces are optional when sent. */
	applicationPassword: string;
	port?: number;
}

const MIME_OF = { jpg: 'image/jpeg', png: 'image/png' } as const;

/** `filename="a b.jpg"`, `filename=a.jpg` or RFC 5987 `filename*=UTF-8''a%20b.jpg`. */
export function dispositionFileName(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const star = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(header);
	if (star) return decodeURIComponent(star[1].trim());
	const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(header);
	const name = (plain?.[1] ?? plain?.[2])?.trim();
	return name ? name.replace(/^.*[\\/]/, '') : undefined;
}

function basicAuth(header: string | undefined): { user: string; password: string } | undefined {
	const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
	if (!m) return undefined;
	const decoded = Buffer.from(m[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function startWordpressStandIn(opts: WordpressStandInOptions): Promise<WordpressStandIn> {
	const uploads: WordpressUpload[] = [];
	const rejections: WordpressRejection[] = [];
	const appPassword = opts.applicationPassword.replace(/\s+/g, '');
	let nextId = 101;
	let baseUrl = '';

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const path = (req.url ?? '/').split('?')[0];
			const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
			const fail = (status: number, code: string, message: string) => {
				rejections.push({ status, code, path });
				send(status, { code, message, data: { status } });
			};
			if (path !== '/wp-json/wp/v2/media' || req.method !== 'POST') {
				fail(404, 'rest_no_route', 'No route was found matching the URL and request method.');
				return;
			}
			const auth = basicAuth(req.headers.authorization);
			if (!auth) {
				fail(401, 'rest_not_logged_in', 'You are not currently logged in.');
				return;
			}
			if (auth.user !== opts.username || auth.password.replace(/\s+/g, '') !== appPassword) {
				fail(401, 'rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.');
				return;
			}
			const fileName = dispositionFileName(req.headers['content-disposition']);
			if (!fileName) {
				fail(400, 'rest_upload_no_content_disposition', 'No Content-Disposition supplied.');
				return;
			}
			const bytes = Buffer.concat(chunks);
			if (bytes.length === 0) {
				fail(400, 'rest_upload_no_data', 'No data supplied.');
				return;
			}
			const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
			let size: ReturnType<typeof imageSize> | undefined;
			try {
				size = imageSize(bytes);
			} catch {
				size = undefined;
			}
			if (!contentType.startsWith('image/') || !size || MIME_OF[size.format] !== contentType) {
				fail(400, 'rest_upload_sideload_error', 'Sorry, you are not allowed to upload this file type.');
				return;
			}
			const id = nextId++;
			const sourceUrl = `${baseUrl}/wp-content/uploads/${new Date().getUTCFullYear()}/${encodeURIComponent(fileName)}`;
			uploads.push({ id, user: auth.user, fileName, contentType, bytes, sourceUrl });
			send(201, {
				id,
				date_gmt: new Date().toISOString().slice(0, 19),
				slug: fileName.replace(/\.[^.]+$/, '').toLowerCase(),
				status: 'inherit',
				type: 'attachment',
				title: { rendered: fileName.replace(/\.[^.]+$/, '') },
				source_url: sourceUrl,
				media_type: 'image',
				mime_type: contentType,
				media_details: { width: size.width, height: size.height, file: fileName, filesize: bytes.length, sizes: {} },
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	baseUrl = `http://127.0.0.1:${port}`;
	return {
		url: baseUrl,
		uploads,
		rejections,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
