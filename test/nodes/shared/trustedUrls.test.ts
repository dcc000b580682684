import { addressClassOf, buildUrlPolicy, checkImageUrl, parseTrustedOrigin, parseTrustedOrigins } from '../../../nodes/shared/trustedUrls';

/** The rule as a pure function: the Base URL of the simulator, plus three origins a user added. */
const BASE = 'http://127.0.0.1:8787';
const policy = buildUrlPolicy(`${BASE}/v2`, 'https://images.example.com, https://*.example-cdn.com, http://media.example.org:8080');
const TRUSTED = `https://*.apiframe.ai, https://images.example.com, https://*.example-cdn.com, http://media.example.org:8080, ${BASE}`;
const notTrusted = (url: string, origin: string) => `Refusing to download ${url}: ${origin} is not a trusted image origin (trusted: ${TRUSTED})`;
const nonPublic = (url: string, host: string, kind: string) =>
	`Refusing to download ${url}: ${host} is ${kind} address, and only the credential's Base URL origin (${BASE}) may be one`;

describe('which image URLs may be fetched', () => {
	it.each([
		['https://cdn2.apiframe.ai/images/a-1.png', 'https://cdn2.apiframe.ai/images/a-1.png'],
		['https://a.b.apiframe.ai/x.png', 'https://a.b.apiframe.ai/x.png'],
		// The Base URL origin exactly: loopback, but where the API key already goes.
		['http://127.0.0.1:8787/files/x.jpg', 'http://127.0.0.1:8787/files/x.jpg'],
		['https://images.example.com/x.png', 'https://images.example.com/x.png'],
		['https://images.EXAMPLE.com:443/x.png', 'https://images.example.com/x.png'],
		['https://img.example-cdn.com/x.png', 'https://img.example-cdn.com/x.png'],
		['http://media.example.org:8080/x', 'http://media.example.org:8080/x'],
	])('fetches %s', (url, href) => {
		const verdict = checkImageUrl(url, policy);
		expect(verdict.ok && verdict.url.href).toBe(href);
	});

	it.each([
		// Not on the list: scheme, apex, look-alikes and ports are all exact.
		['http://cdn2.apiframe.ai/x.png', notTrusted('http://cdn2.apiframe.ai/x.png', 'http://cdn2.apiframe.ai')],
		['https://apiframe.ai/x.png', notTrusted('https://apiframe.ai/x.png', 'https://apiframe.ai')],
		['https://cdn2.apiframe.ai.evil.com/x.png', notTrusted('https://cdn2.apiframe.ai.evil.com/x.png', 'https://cdn2.apiframe.ai.evil.com')],
		['https://evilapiframe.ai/x.png', notTrusted('https://evilapiframe.ai/x.png', 'https://evilapiframe.ai')],
		['https://cdn2.apiframe.ai:8443/x.png', notTrusted('https://cdn2.apiframe.ai:8443/x.png', 'https://cdn2.apiframe.ai:8443')],
		['https://images.example.com.attacker.net/x', notTrusted('https://images.example.com.attacker.net/x', 'https://images.example.com.attacker.net')],
		['http://172.32.0.1/x', notTrusted('http://172.32.0.1/x', 'http://172.32.0.1')],
		['http://8.8.8.8/x', notTrusted('http://8.8.8.8/x', 'http://8.8.8.8')],
		// Non-public addresses other than the Base URL origin, however they are written.
		['http://127.0.0.1:9999/x.png', nonPublic('http://127.0.0.1:9999/x.png', '127.0.0.1', 'a loopback')],
		['http://localhost:8787/x.png', nonPublic('http://localhost:8787/x.png', 'localhost', 'a loopback')],
		['http://2130706433/x', nonPublic('http://127.0.0.1/x', '127.0.0.1', 'a loopback')],
		['http://0x7f.1/x', nonPublic('http://127.0.0.1/x', '127.0.0.1', 'a loopback')],
		['http://[::1]:8787/x', nonPublic('http://[::1]:8787/x', '[::1]', 'a loopback')],
		['http://169.254.169.254/latest/meta-data/', nonPublic('http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'a link-local')],
		['http://[::ffff:169.254.169.254]/x', nonPublic('http://[::ffff:a9fe:a9fe]/x', '[::ffff:a9fe:a9fe]', 'a link-local')],
		['http://[fe80::1]/x', nonPublic('http://[fe80::1]/x', '[fe80::1]', 'a link-local')],
		['http://10.0.0.1/x.png', nonPublic('http://10.0.0.1/x.png', '10.0.0.1', 'a private')],
		['http://172.16.5.4/x', nonPublic('http://172.16.5.4/x', '172.16.5.4', 'a private')],
		['http://172.31.255.255/x', nonPublic('http://172.31.255.255/x', '172.31.255.255', 'a private')],
		['http://192.168.1.1/x', nonPublic('http://192.168.1.1/x', '192.168.1.1', 'a private')],
		['http://100.100.100.200/x', nonPublic('http://100.100.100.200/x', '100.100.100.200', 'a private')],
		['http://[fd00::1]/x', nonPublic('http://[fd00::1]/x', '[fd00::1]', 'a private')],
		['http://[64:ff9b::a00:1]/x', nonPublic('http://[64:ff9b::a00:1]/x', '[64:ff9b::a00:1]', 'a private')],
		['http://0.0.0.0:8787/x', nonPublic('http://0.0.0.0:8787/x', '0.0.0.0', 'an unspecified')],
		['http://[::]/x', nonPublic('http://[::]/x', '[::]', 'an unspecified')],
		// Not web URLs, or with credentials (never echoed).
		['file:///etc/passwd', 'Refusing to download file:///etc/passwd: only http and https image URLs are fetched'],
		['https://user:secret@cdn2.apiframe.ai/x', 'Refusing to download https://user:***@cdn2.apiframe.ai/x: the URL carries a user name or password'],
		['not a url', 'Not a valid image URL: not a url'],
	])('refuses %s', (url, reason) => {
		expect(checkImageUrl(url, policy)).toEqual({ ok: false, reason });
	});

	it('without a Base URL, no loopback address is trusted at all', () => {
		expect(checkImageUrl('http://127.0.0.1:8787/x', buildUrlPolicy(undefined))).toEqual({
			ok: false,
			reason: "Refusing to download http://127.0.0.1:8787/x: 127.0.0.1 is a loopback address, and only the credential's Base URL origin may be one",
		});
		// Apiframe's own Base URL adds nothing the CDN rule does not already allow.
		expect(buildUrlPolicy('https://api.apiframe.ai').baseOrigin).toBe('https://api.apiframe.ai');
	});

	it('classifies addresses as written (no DNS), names as public', () => {
		expect(addressClassOf('cdn2.apiframe.ai')).toBeUndefined();
		expect(addressClassOf('app.localhost')).toBe('loopback');
		expect(addressClassOf('[::ffff:7f00:1]')).toBe('loopback');
		expect(addressClassOf('[fec0::1]')).toBe('private');
		expect(addressClassOf('100.63.255.255')).toBeUndefined();
		expect(addressClassOf('169.255.0.1')).toBeUndefined();
	});
});

describe('the Trusted Image Origins option', () => {
	it('reads origins and wildcards, normalizing case, default ports and a trailing slash', () => {
		expect(parseTrustedOrigins(' https://*.Example.com/ , ,http://media.example.org:8080,https://img.example.net:443')).toEqual([
			{ text: 'https://*.Example.com/', protocol: 'https:', host: 'example.com', port: '', wildcard: true },
			{ text: 'http://media.example.org:8080', protocol: 'http:', host: 'media.example.org', port: '8080', wildcard: false },
			{ text: 'https://img.example.net:443', protocol: 'https:', host: 'img.example.net', port: '', wildcard: false },
		]);
		expect(parseTrustedOrigins(undefined)).toEqual([]);
	});

	it.each([
		['ftp://x.com', 'is not an origin like https://images.example.com or https://*.example.com'],
		['https://x.com/path', 'is not an origin like https://images.example.com or https://*.example.com'],
		['https://*.com', 'is too wide: a wildcard needs a domain of at least two labels, e.g. https://*.example.com'],
		['https://*.10.0.0.1', 'is not a valid origin'],
		['https://10.0.0.1', "is a private address: only the credential's Base URL origin may be one"],
		['http://localhost:3000', "is a loopback address: only the credential's Base URL origin may be one"],
		['http://[::1]:80', "is a loopback address: only the credential's Base URL origin may be one"],
		['https://u:p@x.com', 'must not carry a user name or password'],
	])('refuses %s', (entry, why) => {
		expect(() => parseTrustedOrigin(entry)).toThrow(`Trusted Image Origins: "${entry}" ${why}`);
	});
});
