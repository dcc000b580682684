import { describeHead, imageTypeOfBytes } from '../../../nodes/shared/imageBytes';
import { imageFileName } from '../../../nodes/shared/images';
import { binaryKeyFor } from '../../../nodes/shared/jobOutput';
import { maskApiKey, redactSecret } from '../../../nodes/shared/secrets';
import { buildUrlPolicy, checkImageUrl } from '../../../nodes/shared/trustedUrls';

describe('image files', () => {
	it('takes the type from the first bytes, and names files <jobId>-<n>', () => {
		const head = (hex: string, text = '') => Buffer.concat([Buffer.from(hex.replace(/ /g, ''), 'hex'), Buffer.from(text), Buffer.alloc(12)]).subarray(0, 12);
		expect(imageTypeOfBytes(head('89 50 4e 47 0d 0a 1a 0a 00 00 00 0d'))).toEqual({ mimeType: 'image/png', extension: 'png' });
		expect(imageTypeOfBytes(head('ff d8 ff e0'))).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
		expect(imageTypeOfBytes(Buffer.concat([Buffer.from('RIFF'), Buffer.from('24000000', 'hex'), Buffer.from('WEBP')]))).toEqual({ mimeType: 'image/webp', extension: 'webp' });
		expect(imageTypeOfBytes(head('', 'GIF89a'))).toEqual({ mimeType: 'image/gif', extension: 'gif' });
		expect(imageTypeOfBytes(head('', 'RIFF....WAVE'))).toBeUndefined();
		expect(imageTypeOfBytes(head('89 50 4e 47 0d 0a 1a 00'))).toBeUndefined();
		// Too short to tell (a real image is never under 12 bytes).
		expect(imageTypeOfBytes(Buffer.from('ffd8ffe000', 'hex'))).toBeUndefined();
		expect(describeHead(Buffer.from('<html><body>Sign in</body></html>'))).toBe('it starts with "<html><body>"');
		expect(describeHead(Buffer.from('<!DOCTYPE\r\nhtml>'))).toBe('it starts with "<!DOCTYPE  h"');
		expect(describeHead(Buffer.from('1f8b0800000000000003ffff', 'hex'))).toBe('it starts with 1f 8b 08 00 00 00 00 00 00 03 ff ff');
		expect(describeHead(Buffer.from('ffd8ff', 'hex'))).toBe('it has only 3 bytes');
		expect(describeHead(Buffer.alloc(0))).toBe('it is empty');
		expect(imageFileName('abc', 2, 'png')).toBe('abc-2.png');
		expect(binaryKeyFor('data', 0)).toBe('data');
		expect(binaryKeyFor('data', 2)).toBe('data_2');
	});

	it('downloads only http and https URLs (the full rule: trustedUrls.test.ts)', () => {
		const policy = buildUrlPolicy('https://api.apiframe.ai');
		expect(checkImageUrl('https://cdn2.apiframe.ai/images/a.png', policy)).toMatchObject({ ok: true, url: { hostname: 'cdn2.apiframe.ai' } });
		expect(checkImageUrl('file:///etc/passwd', policy)).toEqual({ ok: false, reason: 'Refusing to download file:///etc/passwd: only http and https image URLs are fetched' });
		expect(checkImageUrl('ftp://x/y.png', policy)).toEqual({ ok: false, reason: 'Refusing to download ftp://x/y.png: only http and https image URLs are fetched' });
		expect(checkImageUrl('not a url', policy)).toEqual({ ok: false, reason: 'Not a valid image URL: not a url' });
	});

	it('never shows an API key whole', () => {
		const key = 'afk_1234567890abcdef1234567890abcdef12345678';
		expect(maskApiKey(key)).toBe('afk_…5678');
		expect(redactSecret(`request with ${key} failed`, key)).toBe('request with afk_…5678 failed');
	});
});
