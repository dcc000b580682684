/**
 * A 4096×4096 PNG about the size of a real Seedream 4K PNG. The simulator's own 4K PNG is a
 * smooth gradient that deflates to ~0.4 MB; photographic content does not compress like that,
 * so S3 serves this file instead (grain on a gradient, deterministic, ~23 MiB).
 */
import { PNG } from 'pngjs';

export function realisticPng(width = 4096, height = 4096, grain = 4): Buffer {
	const png = new PNG({ width, height, colorType: 2, inputColorType: 6, inputHasAlpha: true });
	const data = png.data;
	let seed = 0x9e3779b9;
	const random = () => {
		// xorshift32: fast and the same bytes on every run
		seed ^= seed << 13;
		seed ^= seed >>> 17;
		seed ^= seed << 5;
		return (seed >>> 0) / 0x100000000;
	};
	let i = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const base = [(x * 255) / width, (y * 255) / height, ((x + y) * 127) / (width + height)];
			for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, base[c] + (random() - 0.5) * 2 * grain));
			data[i + 3] = 255;
			i += 4;
		}
	}
	return PNG.sync.write(png, { colorType: 2, filterType: 1, deflateLevel: 6 });
}
