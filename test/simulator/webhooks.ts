/** Signed webhook deliveries with retries, as the contract specifies them (HTTP through axios). */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientRequest } from 'node:http';
import axios, { AxiosError, isAxiosError, type AxiosRequestConfig } from 'axios';
import type { JobRecord, SimState } from './state';
import type { WebhookEvent } from './types';
import { sha256 } from './util';

/** `sha256=<hex>`: HMAC-SHA256 of the raw body, keyed with the raw 32-byte SHA-256 of the API key. */
export function signWebhook(apiKey: string, body: string | Buffer): string {
	return `sha256=${createHmac('sha256', sha256(apiKey)).update(body).digest('hex')}`;
}

export function webhookPayload(job: JobRecord, event: WebhookEvent): Record<string, unknown> {
	if (event === 'completed') {
		return {
			event,
			jobId: job.id,
			status: job.status,
			progress: 100,
			result: job.result,
			model: job.model,
			creditCost: job.creditCost,
			completedAt: job.completedAt,
		};
	}
	if (event === 'failed') return { event, jobId: job.id, status: job.status, error: job.error, model: job.model };
	return { event, jobId: job.id, status: 'PROCESSING', progress: job.progress, model: job.model };
}

/** Queues one event for a job; deliveries of a job go out one after another, in order. */
export function sendWebhook(state: SimState, job: JobRecord, event: WebhookEvent, progress?: number): void {
	if (!job.webhookUrl || !job.webhookEvents.includes(event)) return;
	const payload = webhookPayload(job, event);
	if (event === 'progress' && progress !== undefined) payload.progress = progress;
	const body = JSON.stringify(payload);
	const gen = state.generation;
	job.webhookChain = job.webhookChain.then(async () => {
		const ok = await deliverWithRetries(state, job, event, body, gen);
		if (!ok) job.webhookHadFailure = true;
	});
}

/** After the terminal event: 'failed' if any delivery gave up, else 'delivered'. */
export function settleWebhookStatus(state: SimState, job: JobRecord): void {
	if (!job.webhookUrl) return;
	const gen = state.generation;
	job.webhookChain = job.webhookChain.then(() => {
		if (gen === state.generation) job.webhookStatus = job.webhookHadFailure ? 'failed' : 'delivered';
	});
}

async function deliverWithRetries(state: SimState, job: JobRecord, event: WebhookEvent, body: string, gen: number): Promise<boolean> {
	const url = job.webhookUrl as string;
	const signature = signWebhook(job.apiKey, body);
	for (let attempt = 1; attempt <= state.cfg.webhookRetries + 1; attempt++) {
		if (gen !== state.generation) return false;
		if (attempt > 1) {
			// Backoff 1 s, 2 s, 4 s… in simulated time.
			const wait = state.scaled(1000 * 2 ** (attempt - 2));
			await new Promise<void>((r) => state.timers.after(wait, r));
			if (gen !== state.generation) return false;
		}
		const outcome = await post(state, url, body, event, signature);
		if (gen !== state.generation) return false;
		const rec = { jobId: job.id, event, url, attempt, at: new Date().toISOString(), body, signature, ...outcome };
		job.deliveries.push(rec);
		state.deliveries.push(rec);
		if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) return true;
	}
	return false;
}

/** What a delivery attempt records: the receiver's status, or why there was none. */
type Outcome = { status?: number; error?: string };

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * One client for every delivery: no proxy from the environment, no redirects followed, any
 * status is an answer (the retry loop decides), the body is read and dropped, and no
 * Accept/Accept-Encoding of axios's own: the receiver sees only the headers set below.
 */
const deliveryClient = axios.create({
	proxy: false,
	maxRedirects: 0,
	timeout: DELIVERY_TIMEOUT_MS,
	validateStatus: () => true,
	responseType: 'arraybuffer',
	decompress: false,
	transitional: { clarifyTimeoutError: true },
});

async function post(state: SimState, url: string, body: string, event: WebhookEvent, signature: string): Promise<Outcome> {
	let req: ClientRequest | undefined;
	// The request axios makes goes through here, so that the simulator's close() can cut it off.
	const transport = {
		request(options: http.RequestOptions, onResponse: (res: http.IncomingMessage) => void): ClientRequest {
			const lib = options.protocol === 'https:' ? https : http;
			// No keep-alive agent: an idle pooled socket would outlive close().
			req = lib.request({ ...options, agent: false }, onResponse);
			state.inflight.add(req);
			return req;
		},
	};
	try {
		const res = await deliveryClient.post(url, body, {
			transport,
			headers: {
				'Content-Type': 'application/json',
				'Content-Length': String(Buffer.byteLength(body)),
				'User-Agent': 'Apiframe-Webhooks/2 (simulator)',
				'X-Webhook-Event': event,
				'X-Webhook-Signature': signature,
				Connection: 'close',
				Accept: false,
				'Accept-Encoding': false,
			},
		} as AxiosRequestConfig);
		return { status: res.status };
	} catch (err) {
		if (isAxiosError(err)) {
			// axios's own timer (clarifyTimeoutError: ETIMEDOUT, "timeout of … exceeded"), not a TCP ETIMEDOUT.
			if (err.code === AxiosError.ETIMEDOUT && !err.response && /^timeout of/.test(err.message)) return { error: 'timeout' };
			if (err.response) return { status: err.response.status };
			return { error: err.code ?? err.message };
		}
		return { error: err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err) };
	} finally {
		if (req) state.inflight.delete(req);
	}
}
