/** What an image file starts with: the first bytes decide, whatever the server's Content-Type says. */

export interface ImageType {
	mimeType: string;
	extension: string;
}

/** Bytes read before anything is stored: enough for every signature below (WebP needs 12). */
export const IMAGE_HEAD_BYTES = 12;

const ascii = (head: Uint8Array, from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
const startsWith = (head: Uint8Array, bytes: number[]) => bytes.every((byte, index) => head[index] === byte);

const SIGNATURES: Array<ImageType & { matches: (head: Uint8Array) => boolean }> = [
	{ mimeType: 'image/png', extension: 'png', matches: (head) => startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
	{ mimeType: 'image/jpeg', extension: 'jpg', matches: (head) => startsWith(head, [0xff, 0xd8, 0xff]) },
	{ mimeType: 'image/webp', extension: 'webp', matches: (head) => ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP' },
	{ mimeType: 'image/gif', extension: 'gif', matches: (head) => ['GIF87a', 'GIF89a'].includes(ascii(head, 0, 6)) },
];

/** The image type the bytes show, or undefined when they are not one of the formats Seedream returns. */
export function imageTypeOfBytes(head: Uint8Array): ImageType | undefined {
	if (head.length < IMAGE_HEAD_BYTES) return undefined;
	const found = SIGNATURES.find((signature) => signature.matches(head));
	return found && { mimeType: found.mimeType, extension: found.extension };
}

/** The first bytes as the user can recognise them: text in quotes (an HTML or JSON page), else hex. */
export function describeHead(head: Uint8Array): string {
	if (head.length === 0) return 'it is empty';
	if (head.length < IMAGE_HEAD_BYTES) return `it has only ${head.length} bytes`;
	const first = head.subarray(0, IMAGE_HEAD_BYTES);
	const printable = first.every((byte) => (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d);
	if (printable) return `it starts with "${ascii(first, 0, first.length).replace(/\s/g, ' ')}"`;
	return `it starts with ${Array.from(first, (byte) => byte.toString(16).padStart(2, '0')).join(' ')}`;
}

/** What readHead needs of a Node Readable (node code cannot import 'stream'). */
export interface HeadStream {
	pause(): unknown;
	resume(): unknown;
	unshift(chunk: Uint8Array): unknown;
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Reads the first `wanted` bytes of a paused body and puts them back (unshift), so the store still
 * gets the whole file; `onBytes` hears the running total. A body that ends sooner resolves with
 * all it had (nothing is put back: it is too short to be an image and will not be stored).
 */
export async function readHead(body: HeadStream, wanted: number, onBytes: (total: number) => void): Promise<Uint8Array> {
	return await new Promise<Uint8Array>((resolve, reject) => {
		const chunks: Uint8Array[] = [];
		let length = 0;
		const detach = () => {
			body.off('data', onData);
			body.off('end', onEnd);
			body.off('error', onError);
			body.off('close', onClose);
		};
		const joined = () => Buffer.concat(chunks, length);
		const onData = (...args: unknown[]) => {
			const chunk = args[0] as Uint8Array;
			chunks.push(chunk);
			length += chunk.length;
			onBytes(length);
			if (length < wanted) return;
			body.pause();
			detach();
			const head = joined();
			body.unshift(head);
			resolve(head);
		};
		const onEnd = () => {
			detach();
			resolve(joined());
		};
		const onError = (...args: unknown[]) => {
			detach();
			reject(args[0]);
		};
		const onClose = () => onError(Object.assign(new Error('The image download closed before its first bytes'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
		body.on('data', onData);
		body.on('end', onEnd);
		body.on('error', onError);
		body.on('close', onClose);
		body.resume();
	});
}
