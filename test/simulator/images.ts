/**
 * Output sizes and deterministic image content. Pixels derive from a hash of prompt + seed +
 * params, so equal requests give equal bytes and another seed gives other bytes.
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { SEEDREAM_45, seedreamModel } from './models';
import type { SeedreamParams } from './types';
import { canonicalJson, sha256 } from './util';

type Dims = [number, number];

/** Seedream 4.5 output sizes as Apiframe documents them. */
export const SIZE_TABLE: Record<'2K' | '4K', Record<string, Dims>> = {
	'2K': { '1:1': [2048, 2048], '4:3': [2304, 1728], '3:4': [1728, 2304], '16:9': [2560, 1440], '9:16': [1440, 2560] },
	'4K': { '1:1': [4096, 4096], '4:3': [4096, 3072], '3:4': [3072, 4096], '16:9': [4096, 2304], '9:16': [2304, 4096] },
};

/**
 * Full-size output dimensions. `refDims` resolves a reference URL to its pixel size when the
 * simulator knows it (its own uploads and files); unknown references fall back to 1:1.
 */
export function outputDims(model: string, p: SeedreamParams, refDims: (url: string) => Dims | null): Dims {
	if (p.size === 'custom' && p.width && p.height) return [p.width, p.height];
	if (p.aspect_ratio === 'match_input_image') {
		const ref = p.image_input?.[0] ? refDims(p.image_input[0]) : null;
		if (ref) return ref;
	}
	if (model !== SEEDREAM_45) return familyDims(model, p);
	const table = SIZE_TABLE[p.size === '4K' ? '4K' : '2K'];
	return table[p.aspect_ratio ?? '1:1'] ?? table['1:1'];
}

/**
 * The rest of the family publishes no size table, so a simple, predictable one: the long side is
 * 1024 for "1K", 4096 for "4K", the model's default without a size, 2048 for any other text; an
 * "W:H" aspect ratio shortens the other side, anything else is square.
 */
function familyDims(model: string, p: SeedreamParams): Dims {
	const size = p.size?.toUpperCase();
	const long = size === undefined ? (seedreamModel(model)?.defaultPx ?? 2048) : size === '1K' ? 1024 : size === '4K' ? 4096 : 2048;
	const ratio = /^(\d+):(\d+)$/.exec(p.aspect_ratio ?? '');
	const [w, h] = ratio ? [Number(ratio[1]), Number(ratio[2])] : [1, 1];
	if (!w || !h || w === h) return [long, long];
	return w > h ? [long, Math.max(1, Math.round((long * h) / w))] : [Math.max(1, Math.round((long * w) / h)), long];
}

export function scaleDims([w, h]: Dims, scale: number): Dims {
	return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
}

export function contentHash(model: string, prompt: string, seed: number, p: SeedreamParams): Buffer {
	const { seed: _ignored, ...rest } = p;
	return sha256(canonicalJson({ model, prompt, seed, params: rest }));
}

/** Renders a gradient with rings whose colours, angle and centre all come from the hash. */
export function renderImage(hash: Buffer, width: number, height: number, format: 'jpg' | 'png'): Buffer {
	const rgba = Buffer.alloc(width * height * 4);
	const c0 = [hash[0], hash[1], hash[2]];
	const c1 = [hash[3], hash[4], hash[5]];
	const c2 = [hash[6], hash[7], hash[8]];
	const angle = (hash[9] / 256) * Math.PI * 2;
	const ax = Math.cos(angle);
	const ay = Math.sin(angle);
	const cx = (hash[10] / 255) * width;
	const cy = (hash[11] / 255) * height;
	// Ring width relative to the image, so scaled-down test images look like the full ones.
	const ring = Math.max(1, (Math.max(width, height) / (6 + (hash[12] % 20))) | 0);
	const span = Math.abs(ax) * width + Math.abs(ay) * height || 1;
	const off = Math.min(0, ax * width) + Math.min(0, ay * height);
	let i = 0;
	for (let y = 0; y < height; y++) {
		const dy = y - cy;
		for (let x = 0; x < width; x++) {
			const t = (ax * x + ay * y - off) / span;
			const dx = x - cx;
			const band = ((Math.sqrt(dx * dx + dy * dy) / ring) | 0) & 1;
			const m = band ? 0.35 : 0;
			for (let c = 0; c < 3; c++) {
				const g = c0[c] + (c1[c] - c0[c]) * t;
				rgba[i + c] = g + (c2[c] - g) * m;
			}
			rgba[i + 3] = 255;
			i += 4;
		}
	}
	if (format === 'png') {
		const png = new PNG({ width, height });
		rgba.copy(png.data);
		// One fixed filter: pngjs's adaptive choice is far slower, notably under jest.
		return PNG.sync.write(png, { filterType: 2 });
	}
	return jpeg.encode({ data: rgba, width, height }, 85).data;
}

export type ImageKind = { contentType: string; ext: string };

/** Recognises the image types an upload may be, by magic bytes. */
export function sniffImage(b: Buffer): ImageKind | null {
	if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47) return { contentType: 'image/png', ext: 'png' };
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { contentType: 'image/jpeg', ext: 'jpg' };
	if (b.length >= 6 && b.toString('latin1', 0, 4) === 'GIF8') return { contentType: 'image/gif', ext: 'gif' };
	if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
		return { contentType: 'image/webp', ext: 'webp' };
	}
	return null;
}

/** Pixel size from the file header (PNG IHDR, JPEG SOFn, GIF screen); null when unknown. */
export function readImageDims(b: Buffer): Dims | null {
	const kind = sniffImage(b);
	if (!kind) return null;
	if (kind.ext === 'png' && b.length >= 24) return [b.readUInt32BE(16), b.readUInt32BE(20)];
	if (kind.ext === 'gif' && b.length >= 10) return [b.readUInt16LE(6), b.readUInt16LE(8)];
	if (kind.ext === 'jpg') {
		let i = 2;
		while (i + 9 < b.length) {
			if (b[i] !== 0xff) return null;
			const marker = b[i + 1];
			if (marker === 0xff) {
				i++;
				continue;
			}
			const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
			if (isSof) return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
			i += 2 + b.readUInt16BE(i + 2);
		}
	}
	return null;
}

/** Encoded images by content, bounded so a long benchmark does not grow without limit. */
export class ImageCache {
	private readonly map = new Map<string, Buffer>();
	private bytes = 0;

	constructor(private readonly maxBytes = 512 * 1024 * 1024) {}

	get(key: string, make: () => Buffer): Buffer {
		const hit = this.map.get(key);
		if (hit) return hit;
		const buf = make();
		this.map.set(key, buf);
		this.bytes += buf.length;
		for (const [k, v] of this.map) {
			if (this.bytes <= this.maxBytes || k === key) break;
			this.map.delete(k);
			this.bytes -= v.length;
		}
		return buf;
	}

	clear(): void {
		this.map.clear();
		this.bytes = 0;
	}
}
