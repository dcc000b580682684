import { readImageDims, sniffImage } from '../simulator/images';

/** Pixel size and format read from a PNG or JPEG header: what a user's image viewer would show. */
export function imageSize(buffer: Buffer): { format: 'png' | 'jpg'; width: number; height: number } {
	const format = sniffImage(buffer)?.ext;
	const dims = readImageDims(buffer);
	if ((format !== 'png' && format !== 'jpg') || !dims) throw new Error('Not a PNG or JPEG file');
	return { format, width: dims[0], height: dims[1] };
}
