import { createHash, createHmac, timingSafeEqual } from 'crypto';

const PREFIX = 'sha256=';

/**
 * Apiframe signs each webhook body with HMAC-SHA256, keyed by the SHA-256 digest of the API key
 * as raw bytes (not its hex text). Whoever holds the key can verify; there is no separate secret.
 */
export function webhookSignature(apiKey: string, rawBody: Buffer | string): string {
	const key = createHash('sha256').update(apiKey, 'utf8').digest();
	return PREFIX + createHmac('sha256', key).update(rawBody).digest('hex');
}

/** Accepts the header with or without the `sha256=` prefix; compares in constant time. */
export function isValidWebhookSignature(apiKey: string, rawBody: Buffer | string, header: unknown): boolean {
	const given = (Array.isArray(header) ? header[0] : header) as unknown;
	if (typeof given !== 'string' || given === '' || !apiKey) return false;
	const givenHex = given.trim().toLowerCase().replace(/^sha256=/, '');
	const expectedHex = webhookSignature(apiKey, rawBody).slice(PREFIX.length);
	if (!/^[0-9a-f]{64}$/.test(givenHex)) return false;
	return timingSafeEqual(Buffer.from(givenHex, 'hex'), Buffer.from(expectedHex, 'hex'));
}
