import { imageFileName, imageTypeOf } from '../../../nodes/shared/images';
import { binaryKeyFor } from '../../../nodes/shared/jobOutput';
import { maskApiKey, redactSecret } from '../../../nodes/shared/secrets';
import { buildUrlPolicy, checkImageUrl } from '../../../nodes/shared/trustedUrls';

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
