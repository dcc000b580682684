/**
 * A local endpoint standing in for Slack: the examples' "Post to Slack" node sends each image here
 * as a multipart upload, and the tests (or `npm run dev`) see exactly what Slack would have got.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface CapturedFile {
	field: string;
	fileName: string;
	contentType: string;
	bytes: Buffer;
}

export interface CapturedPost {
	at: number;
	path: string;
	contentType: string;
	fields: Record<string, string>;
	files: CapturedFile[];
}

export interface CaptureServer {
	url: string;
	posts: CapturedPost[];
	close(): Promise<void>;
}

async function parseBody(req: http.IncomingMessage, body: Buffer): Promise<Pick<CapturedPost, 'fields' | 'files'>> {
	const fields: Record<string, string> = {};
	const files: CapturedFile[] = [];
	const contentType = req.headers['content-type'] ?? '';
	if (contentType.startsWith('multipart/form-data')) {
		// undici's Request parses multipart bodies: no parser of our own to get wrong.
		const form = await new Request('http://capture/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
		const entries: Array<[string, FormDataEntryValue]> = [];
		form.forEach((value, field) => entries.push([field, value]));
		for (const [field, value] of entries) {
			if (typeof value === 'string') fields[field] = value;
			else files.push({ field, fileName: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
		}
	} else if (contentType.includes('json') && body.length) {
		Object.assign(fields, JSON.parse(body.toString('utf8')));
	}
	return { fields, files };
}

/** Listens on 127.0.0.1 (port 0 = any free port); answers like Slack does: 200 {"ok": true}. */
export async function startCapture(opts: { port?: number; onPost?: (post: CapturedPost) => void } = {}): Promise<CaptureServer> {
	const posts: CapturedPost[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', async () => {
			try {
				const post: CapturedPost = { at: Date.now(), path: req.url ?? '/', contentType: req.headers['content-type'] ?? '', ...(await parseBody(req, Buffer.concat(chunks))) };
				posts.push(post);
				opts.onPost?.(post);
				res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
			} catch (err) {
				res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: String(err) }));
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/api/files.upload`,
		posts,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
