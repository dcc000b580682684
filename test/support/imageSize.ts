/** Pixel size and format read from a PNG or JPEG header: what a user's image viewer would show. */
export function imageSize(buffer: Buffer): { format: 'png' | 'jpg'; width: number; height: number } {
	if (buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
		return { format: 'png', width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
	}
	if (buffer[0] === 0xff && buffer[1] === 0xd8) {
		let offset = 2;
		while (offset < buffer.length) {
			if (buffer[offset] !== 0xff) throw new Error(`Bad JPEG marker at ${offset}`);
			const marker = buffer[offset + 1];
			const length = buffer.readUInt16BE(offset + 2);
			if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
				return { format: 'jpg', height: buffer.readUInt16BE(offset + 5), width: buffer.readUInt16BE(offset + 7) };
			}
			offset += 2 + length;
		}
	}
	throw new Error('Not a PNG or JPEG file');
}
