import { isValidWebhookSignature, webhookSignature } from '../../../nodes/shared/signature';

const key = 'afk_0000000000000000000000000000000000000000';
const body = '{"jobId":"abc","status":"COMPLETED"}';
const expected = 'sha256=58e6d7af820911d918b1b43ade255ec260002ca8b24ba46dd057a99d192c89f4';

describe('webhook signatures', () => {
	it('match the contract test vector', () => {
		expect(webhookSignature(key, body)).toBe(expected);
		expect(webhookSignature(key, Buffer.from(body))).toBe(expected);
	});

	it('verify with or without the sha256= prefix, in any case', () => {
		expect(isValidWebhookSignature(key, Buffer.from(body), expected)).toBe(true);
		expect(isValidWebhookSignature(key, Buffer.from(body), expected.slice(7))).toBe(true);
		expect(isValidWebhookSignature(key, Buffer.from(body), expected.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
	});

	it('reject a tampered body, a wrong key, a missing or malformed header', () => {
		expect(isValidWebhookSignature(key, Buffer.from(body.replace('abc', 'abd')), expected)).toBe(false);
		expect(isValidWebhookSignature(key.replace(/0$/, '1'), Buffer.from(body), expected)).toBe(false);
		expect(isValidWebhookSignature(key, Buffer.from(body), undefined)).toBe(false);
		expect(isValidWebhookSignature(key, Buffer.from(body), 'sha256=zz')).toBe(false);
		expect(isValidWebhookSignature('', Buffer.from(body), expected)).toBe(false);
	});
});
