/** Public and shared types of the Apiframe v2 simulator. */
import type { LatencyDistribution } from './latency';
import type { ProgressCurve } from './progress';

export type { LatencyDistribution } from './latency';
export type { ProgressCurve } from './progress';

export interface SimulatorOptions {
	/** Port to listen on; 0 picks a free one (the CLI defaults to 8787). */
	port?: number;
	host?: string;
	/** Base URL written into result/upload URLs, when clients reach the simulator by another name (e.g. from a container). */
	publicUrl?: string;
	/** Mean job duration in simulated ms, counted from the moment the job takes a running-job slot. */
	latencyMs?: number;
	/** Uniform only: +/- spread around latencyMs, fixed per job. */
	latencySpreadMs?: number;
	/** 'uniform' (default): latency ± spread. 'lognormal': mean latencyMs with a long tail (4 % of jobs at 3–10×). */
	latencyDistribution?: LatencyDistribution;
	/** Makes durations reproducible: the n-th job created since start or reset gets the same one on every run. */
	randomSeed?: number;
	/** What jobs show while they run (default 'linear'); a key's or a prompt's ([[curve:…]]) choice wins. */
	progressCurve?: ProgressCurve;
	/**
	 * Whether GET /v2/me shows team.maxConcurrentJobs. Default false, like the real v2 API,
	 * whose Me schema has no such field: the cap is enforced all the same, it is just not told.
	 */
	reportConcurrencyLimit?: boolean;
	/** Multiplies every simulated wait (latency, Retry-After, webhook backoff, rate window, retention). */
	timeScale?: number;
	/** Multiplies output pixel sizes, so tests need not encode 4096 px images. */
	imageScale?: number;
	/** Per key; 0 or Infinity means no cap. */
	maxConcurrentJobs?: number;
	/** Per key requests per (60 s * timeScale) window; 0 = off. */
	rateLimitPerMinute?: number;
	retentionMs?: number;
	keys?: KeySpec[];
	/** Credits per seedream-4.5 image (default 4); the other models have their own prices (models.ts). */
	creditsPerImage?: number;
	/** false: GET /v2/models answers 503, a catalog that is down (default true). */
	modelsCatalog?: boolean;
	/** Extra delivery attempts after the first, backoff 1 s, 2 s, 4 s… (scaled). */
	webhookRetries?: number;
}

export interface KeySpec {
	key: string;
	credits?: number;
	active?: boolean;
	email?: string;
	teamName?: string;
	plan?: string;
	/** team.customerId of /v2/me (the billing customer); default `cus_sim_…`, null for a team without one. */
	customerId?: string | null;
	/** Progress curve of this key's jobs, over the simulator's; a prompt marker still wins. */
	progressCurve?: ProgressCurve;
	/** Keys with the same teamId are one team (GET /v2/jobs?scope=team); default: a team of its own. */
	teamId?: string;
	/** user.role of /v2/me; OWNER and ADMIN may list the team's jobs, MEMBER may not. Default OWNER. */
	role?: KeyRole;
}

export const KEY_ROLES = ['OWNER', 'ADMIN', 'MEMBER'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

export interface FaultSpec {
	kind: 403 | 404 | 429 | 500 | 503 | 'reset' | 'stall' | 'slow-download' | 'truncate-download' | 'stall-download' | 'gzip-download' | 'html-download';
	/** Applies to the next N matching requests. */
	count: number;
	pathPrefix?: string;
	method?: string;
	/** For 429, in simulated seconds (scaled). Default 1. */
	retryAfterSeconds?: number;
	/** Real ms: how long 'stall' and 'stall-download' hold the request (default 30000) or 'slow-download' takes (default 5000). */
	stallMs?: number;
	/** For 'stall-download': the bytes sent before the stall (default 1024; always fewer than the file's). */
	afterBytes?: number;
}

export interface RecordedRequest {
	at: string;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Lower-case names; X-API-Key masked like 'afk_…1234'. */
	headers: Record<string, string>;
	/** Parsed JSON, raw text when not JSON, '<multipart N bytes>', or null when empty. */
	body: unknown;
	/** null while in flight; 0 when the simulator dropped the connection (fault) instead of answering. */
	status: number | null;
	/** Set when a fault answered this request. */
	fault?: string;
}

export type JobStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type WebhookEvent = 'progress' | 'completed' | 'failed';
export type WebhookStatus = 'pending' | 'delivered' | 'failed' | null;

export interface SeedreamParams {
	image_input?: string[];
	output_format?: 'jpg' | 'png';
	guidance_scale?: number;
	use_pre_llm?: boolean;
	enhance_prompt?: boolean;
	seed?: number;
	aspect_ratio?: string;
	/** 2K, 4K or custom for seedream-4.5; any text for the rest of the family. */
	size?: string;
	width?: number;
	height?: number;
	/** Any text, for every Seedream model: kept verbatim, it does not change the pixel size. */
	resolution?: string;
}

export interface WebhookDelivery {
	jobId: string;
	event: WebhookEvent;
	url: string;
	/** 1 for the first try, 2.. for retries. */
	attempt: number;
	at: string;
	/** HTTP status of the receiver's answer, when it answered. */
	status?: number;
	/** Network error text, when it did not. */
	error?: string;
	/** The exact body sent and its signature header, so tests can re-verify. */
	body: string;
	signature: string;
}

/** The simulator's internal record of a job (what GET /__sim/jobs returns). */
export interface SimJob {
	id: string;
	apiKeyMasked: string;
	model: string;
	prompt: string;
	/** The request body exactly as received (parsed). */
	body: unknown;
	params: SeedreamParams;
	/** Seed actually used: the requested one, or one derived from the job id. */
	seed: number;
	width: number;
	height: number;
	format: 'jpg' | 'png';
	status: JobStatus;
	progress: number | null;
	error: string | null;
	/** Credits taken at submit. */
	chargedCredits: number;
	refunded: boolean;
	creditCost: number | null;
	idempotencyKey: string | null;
	createdAt: string;
	/**
	 * When the job took a running-job slot (its duration starts here). For 'late-start' jobs that
	 * is before they show PROCESSING: see processingAt.
	 */
	startedAt: string | null;
	/** When the job first showed PROCESSING; null until then. */
	processingAt: string | null;
	completedAt: string | null;
	/**
	 * Real ms from startedAt to the planned end, whatever the curve: completedAt for a job that
	 * completes ([[fail]] jobs end early, at 30 %); null for a job that never ends.
	 */
	durationMs: number | null;
	progressCurve: ProgressCurve;
	expired: boolean;
	result: { images: string[] } | null;
	webhookUrl: string | null;
	webhookEvents: WebhookEvent[];
	webhookStatus: WebhookStatus;
	deliveries: WebhookDelivery[];
}

/** The job object of GET /v2/jobs/:id and of the list, as the v2 OpenAPI `Job` schema describes it. */
export interface PublicJob {
	id: string;
	status: JobStatus;
	model: string;
	/** The request body as submitted (model, prompt, seedreamParams, webhookUrl, webhookEvents as sent). */
	input: Record<string, unknown> | null;
	progress: number | null;
	error: string | null;
	creditCost: number | null;
	result: { images: string[] } | null;
	webhookStatus: WebhookStatus;
	createdAt: string;
	completedAt: string | null;
	expired: boolean;
}

export interface Simulator {
	/** e.g. 'http://127.0.0.1:43123', no trailing slash. */
	url: string;
	/** The first configured key. */
	apiKey: string;
	requests(): RecordedRequest[];
	jobs(): SimJob[];
	deliveries(): WebhookDelivery[];
	credits(key: string): number;
	injectFaults(f: FaultSpec): void;
	/** Add or change a key (same as POST /__sim/keys). */
	setKey(k: KeySpec): void;
	reset(): void;
	close(): Promise<void>;
}
