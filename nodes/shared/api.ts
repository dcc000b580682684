import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';

import { accountKeyOf, noteRateLimited, waitForRateWindow } from './accountLimits';
import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, REQUEST_TIMEOUT_MS } from './constants';
import { ApiframeHttpError, parseRetryAfterMs, withRetry } from './retry';

export type ApiContext = IExecuteSingleFunctions | IExecuteFunctions | IWebhookFunctions;

export interface ApiframeAccount {
	baseUrl: string;
	apiKey: string;
	/** Hash of base URL and key: what the shared limits are kept under. */
	accountKey: string;
}

export function normalizeBaseUrl(value: unknown): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_BASE_URL;
	return text.replace(/\/+$/, '').replace(/\/v2$/, '');
}

export async function getAccount(ctx: ApiContext): Promise<ApiframeAccount> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = normalizeBaseUrl(credentials.baseUrl);
	const apiKey = String(credentials.apiKey ?? '');
	return { baseUrl, apiKey, accountKey: accountKeyOf(baseUrl, apiKey) };
}

export function cancelSignalOf(ctx: ApiContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

function headerValue(headers: IDataObject | undefined, name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

/** Turns a full response into its body, or into an ApiframeHttpError the caller can explain. */
export function bodyOrThrow<T>(response: IN8nHttpFullResponse, accountKey?: string): T {
	if (response.statusCode >= 200 && response.statusCode < 300) return response.body as T;
	const retryAfterMs = parseRetryAfterMs(headerValue(response.headers, 'retry-after'));
	if (response.statusCode === 429 && accountKey) noteRateLimited(accountKey, retryAfterMs ?? 1000);
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
 * The request policy every call to Apiframe follows, whatever sends it: wait out an account-wide
 * 429 pause, send, turn a non-2xx answer into an ApiframeHttpError, retry what may be retried.
 */
export async function withApiPolicy<T>(
	account: Pick<ApiframeAccount, 'accountKey'>,
	signal: AbortSignal | undefined,
	idempotent: boolean,
	send: () => Promise<IN8nHttpFullResponse>,
): Promise<T> {
	return await withRetry(
		async () => {
			await waitForRateWindow(account.accountKey, signal);
			return bodyOrThrow<T>(await send(), account.accountKey);
		},
		{ idempotent, signal },
	);
}

/** One authenticated call to Apiframe built by the nodes themselves (polls, uploads, /v2/me). */
export async function apiframeRequest<T>(ctx: ApiContext, request: ApiRequest): Promise<T> {
	const account = await getAccount(ctx);
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
	};
	return await withApiPolicy<T>(account, cancelSignalOf(ctx), request.idempotent, async () =>
		(await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)) as IN8nHttpFullResponse,
	);
}
