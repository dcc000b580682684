/**
 * Which image URLs the nodes may fetch. Result URLs come from the API or from a webhook payload
 * (which, with signature checks off, anyone can write), so a URL is fetched only when it is:
 * - exactly the credential's Base URL origin (scheme, host and port), whatever its address: that is
 *   where the user already sends the API key (the local simulator, a proxy), or
 * - an origin on the trusted list (Apiframe's CDN `https://*.apiframe.ai`, plus what the user adds),
 *   and not a loopback, link-local, private or unspecified address.
 * Only the host as written is checked: node code cannot resolve DNS, so a trusted name that
 * resolves to a private address is not caught here (n8n's N8N_SSRF_PROTECTION_ENABLED does that).
 * Pure functions, no I/O: every rule is unit-tested with a table of exact cases.
 */
import { APIFRAME_CDN_ORIGIN } from './constants';

export interface TrustedOrigin {
	/** As the user wrote it, for messages. */
	text: string;
	protocol: 'http:' | 'https:';
	/** Lower-case host; for a wildcard, the part after `*.`. */
	host: string;
	/** '' for the scheme's default port (URL's own rule). */
	port: string;
	/** `https://*.example.com`: any subdomain of example.com (not example.com itself). */
	wildcard: boolean;
}

export interface UrlPolicy {
	/** The credential's Base URL origin, e.g. `http://127.0.0.1:8787`. */
	baseOrigin?: string;
	trusted: TrustedOrigin[];
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

export type AddressClass = 'loopback' | 'link-local' | 'private' | 'unspecified';

type Range4 = [number, number, AddressClass];
const V4_RANGES: Array<[string, number, AddressClass]> = [
	['0.0.0.0', 8, 'unspecified'],
	['127.0.0.0', 8, 'loopback'],
	['169.254.0.0', 16, 'link-local'],
	['10.0.0.0', 8, 'private'],
	['172.16.0.0', 12, 'private'],
	['192.168.0.0', 16, 'private'],
	// Carrier-grade NAT space: never public, and home of some clouds' metadata services.
	['100.64.0.0', 10, 'private'],
];

function v4Number(text: string): number | undefined {
	const parts = text.split('.');
	if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
	return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
}

const RANGES4: Range4[] = V4_RANGES.map(([base, bits, kind]) => [v4Number(base) as number, bits, kind]);

function classifyV4(value: number): AddressClass | undefined {
	for (const [base, bits, kind] of RANGES4) {
		const size = 2 ** (32 - bits);
		if (value >= base && value < base + size) return kind;
	}
	return undefined;
}

/** Eight 16-bit groups of an IPv6 literal as URL serializes it (compressed, hex, no dotted quad). */
function v6Groups(text: string): number[] | undefined {
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const parse = (half: string) => (half === '' ? [] : half.split(':').map((group) => parseInt(group, 16)));
	const head = parse(halves[0]);
	const tail = halves.length === 2 ? parse(halves[1]) : [];
	const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
	const groups = [...head, ...new Array<number>(Math.max(0, fill)).fill(0), ...tail];
	return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function classifyV6(groups: number[]): AddressClass | undefined {
	if (groups.every((g) => g === 0)) return 'unspecified';
	if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'loopback';
	if ((groups[0] & 0xffc0) === 0xfe80) return 'link-local';
	// fc00::/7 unique local, and the deprecated site-local fec0::/10.
	if ((groups[0] & 0xfe00) === 0xfc00 || (groups[0] & 0xffc0) === 0xfec0) return 'private';
	// An IPv4 address inside IPv6 (::ffff:a.b.c.d, ::a.b.c.d, NAT64 64:ff9b::a.b.c.d) is that address.
	const embedsV4 =
		(groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || groups[5] === 0)) ||
		(groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0));
	return embedsV4 ? classifyV4(groups[6] * 65536 + groups[7]) : undefined;
}

/** The kind of non-public address a URL's hostname is, or undefined (a public IP, or a DNS name). */
export function addressClassOf(hostname: string): AddressClass | undefined {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	// RFC 6761: localhost names always mean this machine.
	if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
	if (host.startsWith('[') && host.endsWith(']')) {
		const groups = v6Groups(host.slice(1, -1));
		return groups ? classifyV6(groups) : 'unspecified';
	}
	const v4 = v4Number(host);
	return v4 === undefined ? undefined : classifyV4(v4);
}

function withArticle(kind: AddressClass): string {
	return kind === 'unspecified' ? `an ${kind}` : `a ${kind}`;
}

function isIpLiteral(host: string): boolean {
	return host.startsWith('[') || v4Number(host) !== undefined;
}

/** One entry of the Trusted Image Origins option: `https://img.example.com[:port]` or `https://*.example.com`. */
export function parseTrustedOrigin(entry: string): TrustedOrigin {
	const text = entry.trim();
	const fail = (why: string) => new Error(`Trusted Image Origins: "${text}" ${why}`);
	const match = /^(https?):\/\/(\*\.)?([^/?#]+)\/?$/i.exec(text);
	if (!match) throw fail('is not an origin like https://images.example.com or https://*.example.com');
	const wildcard = match[2] !== undefined;
	// A wildcard is parsed with a stand-in label so that URL normalizes the host as it would a real one.
	const probe = `${match[1].toLowerCase()}://${wildcard ? 'wildcard-label.' : ''}${match[3]}`;
	if (!URL.canParse(probe)) throw fail('is not a valid origin');
	const url = new URL(probe);
	if (url.username || url.password) throw fail('must not carry a user name or password');
	const host = wildcard ? url.hostname.slice('wildcard-label.'.length) : url.hostname;
	if (wildcard && (isIpLiteral(host) || host.split('.').length < 2)) {
		throw fail('is too wide: a wildcard needs a domain of at least two labels, e.g. https://*.example.com');
	}
	const kind = addressClassOf(host);
	if (kind) throw fail(`is ${withArticle(kind)} address: only the credential's Base URL origin may be one`);
	return { text, protocol: url.protocol as TrustedOrigin['protocol'], host, port: url.port, wildcard };
}

/** The comma-separated option; empty entries are skipped, a bad one is an error naming it. */
export function parseTrustedOrigins(text: string | undefined): TrustedOrigin[] {
	return (text ?? '')
		.split(',')
		.filter((entry) => entry.trim() !== '')
		.map(parseTrustedOrigin);
}

export function buildUrlPolicy(baseUrl: string | undefined, extraOrigins?: string): UrlPolicy {
	const baseOrigin = baseUrl && URL.canParse(baseUrl) ? new URL(baseUrl).origin : undefined;
	return {
		baseOrigin: baseOrigin && baseOrigin !== 'null' ? baseOrigin : undefined,
		trusted: [parseTrustedOrigin(APIFRAME_CDN_ORIGIN), ...parseTrustedOrigins(extraOrigins)],
	};
}

function matches(origin: TrustedOrigin, url: URL): boolean {
	if (url.protocol !== origin.protocol || url.port !== origin.port) return false;
	const host = url.hostname.toLowerCase().replace(/\.$/, '');
	return origin.wildcard ? host.endsWith(`.${origin.host}`) : host === origin.host;
}

/** May this URL be fetched? Checked for the URL itself and for every redirect hop. */
export function checkImageUrl(url: string, policy: UrlPolicy): UrlVerdict {
	if (!URL.canParse(url)) return { ok: false, reason: `Not a valid image URL: ${url}` };
	const parsed = new URL(url);
	// Messages never repeat a password written into the URL.
	const shown = new URL(parsed.href);
	if (shown.password) shown.password = '***';
	const refuse = (why: string): UrlVerdict => ({ ok: false, reason: `Refusing to download ${shown.href}: ${why}` });
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		return refuse('only http and https image URLs are fetched');
	}
	if (parsed.username || parsed.password) return refuse('the URL carries a user name or password');
	if (policy.baseOrigin && parsed.origin === policy.baseOrigin) return { ok: true, url: parsed };
	const kind = addressClassOf(parsed.hostname);
	if (kind) {
		const base = policy.baseOrigin ? ` (${policy.baseOrigin})` : '';
		return refuse(`${parsed.hostname} is ${withArticle(kind)} address, and only the credential's Base URL origin${base} may be one`);
	}
	if (policy.trusted.some((origin) => matches(origin, parsed))) return { ok: true, url: parsed };
	const trusted = [...policy.trusted.map((origin) => origin.text), ...(policy.baseOrigin ? [policy.baseOrigin] : [])];
	return refuse(`${parsed.origin} is not a trusted image origin (trusted: ${trusted.join(', ')})`);
}
