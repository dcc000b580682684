/**
 * The byte cap counts a download while n8n's binary store reads it. Each store reads differently:
 * the filesystem store (the engine tests' mode) iterates the stream; the database store (queue
 * mode's default) and memory mode use n8n's own streamToBuffer, a 'data' listener; S3 pipes.
 * All three must get every byte, stop past the cap, and never hang.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// The very helper n8n-core's BinaryDataService and n8n's database store call for a stream.
import { streamToBuffer } from 'n8n-core/node_modules/@n8n/backend-network';

import { IMAGE_HEAD_BYTES, readHead } from '../../../nodes/shared/imageBytes';
import { capStreamBytes, DownloadRefusedError } from '../../../nodes/shared/images';


const URL = 'https://cdn2.apiframe.ai/images/x-1.png';
const data = randomBytes(300_000 + 13);

/** A body like an HTTP response's: chunks arrive over time, the first before anyone listens. */
function body(bytes: Buffer, chunk = 16_384): Readable {
	const stream = new PassThrough();
	let offset = 0;
	const push = () => {
		if (offset >= bytes.length) return void stream.end();
		stream.write(bytes.subarray(offset, (offset += chunk)));
		setImmediate(push);
	};
	push();
	return stream;
}

/** What n8n does between our hand-over and its first read: some awaits (mkdir, metadata). */
const later = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

const consumers: Record<string, (stream: Readable) => Promise<Buffer>> = {
	'a data listener (n8n streamToBuffer: database and memory mode)': async (stream) => {
		await later();
		return await streamToBuffer(stream, 2_000);
	},
	'async iteration (fs.writeFile: filesystem mode)': async (stream) => {
		await later();
		const file = path.join(tmpdir(), `byte-cap-${process.pid}-${Math.random()}.bin`);
		try {
			await fs.writeFile(file, stream);
			return await fs.readFile(file);
		} finally {
			await fs.rm(file, { force: true });
		}
	},
	'pipe (object stores)': async (stream) => {
		await later();
		const chunks: Buffer[] = [];
		const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk), done()) });
		await pipeline(stream, sink);
		return Buffer.concat(chunks);
	},
};

describe('the byte cap on a streaming download', () => {
	it.each(Object.keys(consumers))('loses no byte when read by %s', async (name) => {
		const stream = body(data);
		const counter = capStreamBytes(stream, URL, data.length);
		const stored = await consumers[name](stream);
		expect(stored.equals(data)).toBe(true);
		expect(counter).toEqual({ bytes: data.length });
	});

	it.each(Object.keys(consumers))('stops one byte past the cap when read by %s', async (name) => {
		const stream = body(data);
		const counter = capStreamBytes(stream, URL, data.length - 1);
		const error = await consumers[name](stream).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(DownloadRefusedError);
		expect((error as Error).message).toBe(
			`The image at ${URL} is larger than the download cap of 0.29 MiB (${data.length - 1} bytes): the download was stopped there`,
		);
		expect(counter.over).toBe(error);
		expect(stream.destroyed).toBe(true);
	});

	it('works on a file written to disk as well (no chunk is delivered twice)', async () => {
		const file = path.join(tmpdir(), `byte-cap-pipe-${process.pid}.bin`);
		const stream = body(data, 7);
		capStreamBytes(stream, URL, data.length);
		await later();
		await pipeline(stream, createWriteStream(file));
		expect((await fs.readFile(file)).equals(data)).toBe(true);
		await fs.rm(file, { force: true });
	});
});

describe('the first bytes are read before the store, and put back', () => {
	it.each(Object.keys(consumers))('the store still gets every byte, each counted once, when read by %s', async (name) => {
		// Chunks of 5 bytes: the head takes three of them, the last one only partly needed.
		const stream = body(data, 5);
		const seen: number[] = [];
		const head = await readHead(stream, IMAGE_HEAD_BYTES, (total) => seen.push(total));
		expect(Buffer.from(head).equals(data.subarray(0, 15))).toBe(true);
		expect(seen).toEqual([5, 10, 15]);
		const counter = capStreamBytes(stream, URL, data.length);
		const stored = await consumers[name](stream);
		expect(stored.equals(data)).toBe(true);
		expect(counter).toEqual({ bytes: data.length });
	});

	it('a body shorter than the head ends with what it had', async () => {
		await expect(readHead(body(data.subarray(0, 7)), IMAGE_HEAD_BYTES, () => undefined)).resolves.toEqual(Buffer.from(data.subarray(0, 7)));
	});
});
