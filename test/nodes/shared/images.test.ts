import { assertWebUrl, imageFileName, imageTypeOf } from '../../../nodes/shared/images';
import { binaryKeyFor } from '../../../nodes/shared/jobOutput';
import { maskApiKey, redactSecret } from '../../../nodes/shared/secrets';

describe('image files', () => {
	it('takes the type from Content-Type, else from the URL, and names files <jobId>-<n>', () => {
		expect(imageTypeOf('https://cdn/x', 'image/png')).toEqual({ mimeType: 'image/png', extension: 'png' });
		expect(imageTypeOf('https://cdn/x.png', 'image/jpeg; charset=binary')).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
		expect(imageTypeOf('https://cdn/images/abc-1.png?sig=1', 'application/octet-stream')).toEqual({ mimeType: 'image/png', extension: 'png' });
		expect(imageTypeOf('https://cdn/abc', undefined)).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
		expect(imageFileName('abc', 2, 'png')).toBe('abc-2.png');
		expect(binaryKeyFor('data', 0)).toBe('data');
		expect(binaryKeyFor('data', 2)).toBe('data_2');
	});

	it('downloads only http and https URLs', () => {
		expect(assertWebUrl('https://cdn2.apiframe.ai/images/a.png').hostname).toBe('cdn2.apiframe.ai');
		expect(() => assertWebUrl('file:///etc/passwd')).toThrow(/only http and https/);
		expect(() => assertWebUrl('ftp://x/y.png')).toThrow(/only http and https/);
		expect(() => assertWebUrl('not a url')).toThrow(/Not a valid image URL/);
	});

	it('never shows an API key whole', () => {
		const key = 'afk_1234567890abcdef1234567890abcdef12345678';
		expect(maskApiKey(key)).toBe('afk_…5678');
		expect(redactSecret(`request with ${key} failed`, key)).toBe('request with afk_…5678 failed');
	});
});
