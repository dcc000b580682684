/** Small helpers shared by the simulator's modules: JSON replies, bodies, hashing, timers. */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

export class BodyTooLarge extends Error {}

/** Reads the whole body; rejects (and stops reading) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let failed = false;
		req.on('data', (c: Buffer) => {
			if (failed) return;
			size += c.length;
			if (size > limit) {
				failed = true;
				reject(new BodyTooLarge(`body larger than ${limit} bytes`));
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => {
			if (!failed) resolve(Buffer.concat(chunks));
		});
		req.on('error', (e) => {
			if (!failed) reject(e);
		});
	});
}

/** 'afk_…1234': enough to tell keys apart in logs without leaking them. */
export function maskKey(key: string | undefined): string {
	if (!key) return '';
	if (key.length <= 8) return '…';
	return `${key.slice(0, 4)}…${key.slice(-4)}`;
}

export function sha256(data: string | Buffer): Buffer {
	return createHash('sha256').update(data).digest();
}

/** Stable JSON with sorted object keys, so equal bodies compare equal whatever their key order. */
export function canonicalJson(v: unknown): string {
	if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
	if (v && typeof v === 'object') {
		const o = v as Record<string, unknown>;
		return `{${Object.keys(o)
			.sort()
			.filter((k) => o[k] !== undefined)
			.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v) ?? 'null';
}

/** Retry-After in seconds; below one second a decimal, since scaled waits can be tiny. */
export function retryAfterValue(ms: number): string {
	const s = Math.max(0, ms) / 1000;
	if (s >= 1) return String(Math.ceil(s));
	return String(Math.max(0.001, Math.ceil(s * 1000) / 1000));
}

export function isHttpUrl(v: unknown): v is string {
	if (typeof v !== 'string' || v.length > 2048) return false;
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(s: string): boolean {
	return UUID_RE.test(s);
}

/** Every timer the simulator sets goes through here, so close() and reset() can clear them all. */
export class Timers {
	private readonly pending = new Set<NodeJS.Timeout>();

	after(ms: number, fn: () => void): NodeJS.Timeout {
		const t = setTimeout(() => {
			this.pending.delete(t);
			fn();
		}, Math.max(0, ms));
		this.pending.add(t);
		return t;
	}

	cancel(t: NodeJS.Timeout | undefined): void {
		if (!t) return;
		clearTimeout(t);
		this.pending.delete(t);
	}

	clearAll(): void {
		for (const t of this.pending) clearTimeout(t);
		this.pending.clear();
	}

	get size(): number {
		return this.pending.size;
	}
}
