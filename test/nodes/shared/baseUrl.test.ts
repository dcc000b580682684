import { baseUrlRefusal, normalizeBaseUrl } from '../../../nodes/shared/api';

const clearText = (origin: string, host: string) => `The credential's Base URL ${origin} would send the API key unencrypted over plain http: use https://${host}`;

describe('where the API key may go: https anywhere, plain http only inside the machine or its network', () => {
	it.each([
		'https://api.apiframe.ai',
		'https://proxy.example.com:8443/apiframe',
		'http://127.0.0.1:8787',
		'http://127.9.9.9',
		'http://localhost:8787',
		'http://sim.localhost',
		'http://[::1]:8787',
		'http://10.1.2.3',
		'http://172.16.0.1',
		'http://172.31.255.255:8080',
		'http://192.168.1.20',
		'http://100.101.102.103',
		'http://[fd00::5]',
		'http://apiframe-sim:8787',
		'http://printer.local',
		'http://host.docker.internal:8787',
	])('allows %s', (url) => {
		expect(baseUrlRefusal(normalizeBaseUrl(url))).toBeUndefined();
	});

	it.each([
		['http://api.apiframe.ai', clearText('http://api.apiframe.ai', 'api.apiframe.ai')],
		['http://api.apiframe.ai/v2/', clearText('http://api.apiframe.ai', 'api.apiframe.ai')],
		['http://proxy.example.com:8080/x?k=1', clearText('http://proxy.example.com:8080', 'proxy.example.com:8080')],
		['http://user:secret@proxy.example.com', clearText('http://proxy.example.com', 'proxy.example.com')],
		['http://8.8.8.8', clearText('http://8.8.8.8', '8.8.8.8')],
		['http://172.32.0.1', clearText('http://172.32.0.1', '172.32.0.1')],
		['http://169.254.169.254', clearText('http://169.254.169.254', '169.254.169.254')],
		['http://0.0.0.0:8787', clearText('http://0.0.0.0:8787', '0.0.0.0:8787')],
		['http://[2001:db8::1]', clearText('http://[2001:db8::1]', '[2001:db8::1]')],
		['http://1234', clearText('http://0.0.4.210', '0.0.4.210')],
		['http://example.localdomain', clearText('http://example.localdomain', 'example.localdomain')],
		['ftp://api.apiframe.ai', "The credential's Base URL must start with https:// (like https://api.apiframe.ai)"],
		['afk_pasted_here_by_mistake', "The credential's Base URL is not a URL: use one like https://api.apiframe.ai"],
	])('refuses %s', (url, message) => {
		expect(baseUrlRefusal(normalizeBaseUrl(url))).toBe(message);
	});

	it('an empty Base URL is Apiframe\'s own', () => {
		expect(normalizeBaseUrl('  ')).toBe('https://api.apiframe.ai');
		expect(baseUrlRefusal(normalizeBaseUrl(undefined))).toBeUndefined();
	});
});
