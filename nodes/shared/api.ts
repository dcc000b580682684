import { createHash } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, REQUEST_TIMEOUT_MS } from './constants';
import { ApiframeHttpError, parseRetryAfterMs, withRetry } from './retry';
import { addressClassOf } from './trustedUrls';

export type ApiContext = IExecuteSingleFunctions | IExecuteFunctions | IWebhookFunctions;

export interface ApiframeAccount {
	baseUrl: string;
	apiKey: string;
	/** Hash of base URL and key: what the shared limits are kept under. */
	accountKey: string;
}

/** One rule for every request, routed or not (see BASE_URL_EXPRESSION): no trailing `/` or `/v2`. */
export function normalizeBaseUrl(value: unknown): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	return text.replace(/\/+$/, '').replace(/\/v2$/i, '');
}

/** Identifies an account without keeping its key in memory as plain text. */
export function accountKeyOf(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex').slice(0, 24);
}

/**
 * Hosts plain http may reach: they never leave this machine or its network (a proxy, the
 * simulator in Docker). Tailscale's 100.64/10 counts as private: its traffic is encrypted. A
 * single-label name (`apiframe-sim`) is a Docker service or a LAN host; `*.local` is mDNS and
 * `*.internal` private by ICANN's reservation (`host.docker.internal`).
 */
function isLocalNetworkHost(hostname: string): boolean {
	const kind = addressClassOf(hostname);
	if (kind === 'loopback' || kind === 'private') return true;
	if (kind || hostname.startsWith('[') || /^[\d.]+$/.test(hostname)) return false;
	const host = hostname.toLowerCase().replace(/\.$/, '');
	return !host.includes('.') || host.endsWith('.local') || host.endsWith('.internal');
}

/**
 * Why a Base URL must not get the API key, or undefined when it may: https anywhere, plain http
 * only to a local-network host. Messages show the origin only, never a path, query or password.
 */
export function baseUrlRefusal(baseUrl: string): string | undefined {
	if (!URL.canParse(baseUrl)) return `The credential's Base URL is not a URL: use one like ${DEFAULT_BASE_URL}`;
	const url = new URL(baseUrl);
	if (url.protocol === 'https:') return undefined;
	if (url.protocol !== 'http:') return `The credential's Base URL must start with https:// (like ${DEFAULT_BASE_URL})`;
	if (isLocalNetworkHost(url.hostname)) return undefined;
	return `The credential's Base URL ${url.origin} would send the API key unencrypted over plain http: use https://${url.host}`;
}

const BASE_URL_HTTP_HOSTS =
	'Plain http is allowed only to local-network hosts: localhost, 127.x, ::1, 10.x, 172.16–31.x, 192.168.x, 100.64–127.x, fc00::/7, *.local and *.internal names, and single-label names such as apiframe-sim.';

/**
 * The credential's account. Unless `sendsKey` is false (the key only checks a signature here),
 * a Base URL the key must not go to fails before any request.
 */
export async function getAccount(ctx: ApiContext, { sendsKey = true }: { sendsKey?: boolean } = {}): Promise<ApiframeAccount> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = normalizeBaseUrl(credentials.baseUrl);
	const apiKey = String(credentials.apiKey ?? '');
	const refusal = sendsKey ? baseUrlRefusal(baseUrl) : undefined;
	if (refusal) throw new NodeOperationError(ctx.getNode(), refusal, { description: BASE_URL_HTTP_HOSTS });
	return { baseUrl, apiKey, accountKey: accountKeyOf(baseUrl, apiKey) };
}

/**
 * An account's 429 pause, shared by the requests of whoever passes it (the job runner): the
 * transport waits for it before each request and reports each 429 to it, and knows nothing more.
 */
export interface RateGate {
	wait(signal: AbortSignal | undefined, deadlineAtMs: number | undefined): Promise<void>;
	limited(retryAfterMs: number): void;
}

/** What one row's requests must respect beyond the execution: its own stop signal and deadline, and its account's pause. */
interface ItemScope {
	signal?: AbortSignal;
	deadlineAtMs?: number;
	rate?: RateGate;
}
const scopes = new WeakMap<object, ItemScope>();

/**
 * The context one row works with: the same n8n context, but its waits and requests end on the
 * row's own signal (the user's Stop, or the batch giving up) and never outlast its deadline.
 */
export function scopedContext<T extends ApiContext>(ctx: T, scope: ItemScope): T {
	const scoped = Object.create(ctx) as T;
	scopes.set(scoped, scope);
	return scoped;
}

export function cancelSignalOf(ctx: ApiContext): AbortSignal | undefined {
	const scoped = scopes.get(ctx)?.signal;
	if (scoped) return scoped;
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

function scopeOf(ctx: ApiContext): ItemScope {
	return scopes.get(ctx) ?? {};
}

function headerValue(headers: IDataObject | undefined, name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

/** Turns a full response into its body, or into an ApiframeHttpError the caller can explain. */
export function bodyOrThrow<T>(response: IN8nHttpFullResponse, onRateLimited?: (retryAfterMs: number) => void): T {
	if (response.statusCode >= 200 && response.statusCode < 300) return response.body as T;
	const retryAfterMs = parseRetryAfterMs(headerValue(response.headers, 'retry-after'));
	if (response.statusCode === 429) onRateLimited?.(retryAfterMs ?? 1000);
	throw new ApiframeHttpError(
		response.statusCode,
		response.body,
		retryAfterMs,
		headerValue(response.headers, 'x-request-id'),
	);
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject | FormData;
	headers?: IDataObject;
	/** True for GETs and for POSTs that carry an Idempotency-Key. */
	idempotent: boolean;
}

/**
 * The one path every call to Apiframe takes: the credential's base URL (normalized), one timeout,
 * the row's cancel signal on the socket, its account's 429 pause (when the scope has one), explained non-2xx answers, and
 * retries of what may be retried.
 */
export async function apiframeRequest<T>(ctx: ApiContext, request: ApiRequest): Promise<T> {
	const account = await getAccount(ctx);
	const signal = cancelSignalOf(ctx);
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: account.baseUrl,
		url: request.path,
		qs: request.qs,
		body: request.body,
		headers: request.headers,
		json: !(request.body instanceof FormData),
		timeout: REQUEST_TIMEOUT_MS,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		abortSignal: signal,
	};
	const { deadlineAtMs, rate } = scopeOf(ctx);
	return await withRetry(
		async () => {
			await rate?.wait(signal, deadlineAtMs);
			const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)) as IN8nHttpFullResponse;
			return bodyOrThrow<T>(response, rate && ((retryAfterMs) => rate.limited(retryAfterMs)));
		},
		{ idempotent: request.idempotent, signal, deadlineAtMs },
	);
}
