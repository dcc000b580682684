/** Signed webhook deliveries with retries, as the contract specifies them. */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
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

function post(
	state: SimState,
	url: string,
	body: string,
	event: WebhookEvent,
	signature: string,
): Promise<{ status?: number; error?: string }> {
	return new Promise((resolve) => {
		const lib = url.startsWith('https:') ? https : http;
		let done = false;
		const finish = (r: { status?: number; error?: string }) => {
			if (done) return;
			done = true;
			state.inflight.delete(req);
			resolve(r);
		};
		const req = lib.request(
			url,
			{
				method: 'POST',
				// No keep-alive agent: an idle pooled socket would outlive close().
				agent: false,
				timeout: 10000,
				headers: {
					'Content-Type': 'application/json',
					'Content-Length': String(Buffer.byteLength(body)),
					'User-Agent': 'Apiframe-Webhooks/2 (simulator)',
					'X-Webhook-Event': event,
					'X-Webhook-Signature': signature,
					Connection: 'close',
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => finish({ status: res.statusCode }));
				res.on('error', (e) => finish({ error: e.message }));
			},
		);
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) => finish({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
		state.inflight.add(req);
		req.end(body);
	});
}
