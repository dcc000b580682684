/** Configuration defaults and the simulator's in-memory state (keys, jobs, uploads, logs). */
import type { ClientRequest, ServerResponse } from 'node:http';
import { LATENCY_DISTRIBUTIONS, type LatencyDistribution } from './latency';
import { isProgressCurve, PROGRESS_CURVES, type ProgressCurve } from './progress';
import { KEY_ROLES } from './types';
import type { FaultSpec, KeyRole, KeySpec, RecordedRequest, SimJob, SimulatorOptions, WebhookDelivery } from './types';
import { sha256, Timers } from './util';

export const DEFAULT_KEY = 'afk_sim_0000000000000000000000000000000000';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Config {
	host: string;
	port: number;
	publicUrl?: string;
	latencyMs: number;
	latencySpreadMs: number;
	latencyDistribution: LatencyDistribution;
	randomSeed?: number;
	progressCurve: ProgressCurve;
	reportConcurrencyLimit: boolean;
	timeScale: number;
	imageScale: number;
	/** Infinity when uncapped. */
	maxConcurrentJobs: number;
	rateLimitPerMinute: number;
	retentionMs: number;
	keys: KeySpec[];
	creditsPerImage: number;
	modelsCatalog: boolean;
	webhookRetries: number;
}

export function resolveConfig(o: SimulatorOptions = {}): Config {
	const cap = o.maxConcurrentJobs ?? 10;
	// A typo here would silently test the default instead: refuse it.
	if (o.latencyDistribution !== undefined && !LATENCY_DISTRIBUTIONS.includes(o.latencyDistribution)) {
		throw new Error(`latencyDistribution must be one of ${LATENCY_DISTRIBUTIONS.join(', ')}`);
	}
	for (const c of [o.progressCurve, ...(o.keys ?? []).map((k) => k.progressCurve)]) {
		if (c !== undefined && !isProgressCurve(c)) throw new Error(`progressCurve must be one of ${PROGRESS_CURVES.join(', ')}`);
	}
	for (const k of o.keys ?? []) {
		if (k.role !== undefined && !KEY_ROLES.includes(k.role)) throw new Error(`role must be one of ${KEY_ROLES.join(', ')}`);
	}
	if (o.randomSeed !== undefined && !Number.isInteger(o.randomSeed)) throw new Error('randomSeed must be an integer');
	return {
		host: o.host ?? '127.0.0.1',
		port: o.port ?? 0,
		publicUrl: o.publicUrl?.replace(/\/+$/, ''),
		latencyMs: o.latencyMs ?? 15000,
		latencySpreadMs: o.latencySpreadMs ?? 3000,
		latencyDistribution: o.latencyDistribution ?? 'uniform',
		randomSeed: o.randomSeed,
		progressCurve: o.progressCurve ?? 'linear',
		reportConcurrencyLimit: o.reportConcurrencyLimit ?? false,
		timeScale: o.timeScale ?? 1,
		imageScale: o.imageScale ?? 1,
		maxConcurrentJobs: cap === 0 ? Infinity : cap,
		rateLimitPerMinute: o.rateLimitPerMinute ?? 0,
		retentionMs: o.retentionMs ?? DAY_MS,
		keys: o.keys?.length ? o.keys : [{ key: DEFAULT_KEY }],
		creditsPerImage: o.creditsPerImage ?? 4,
		modelsCatalog: o.modelsCatalog ?? true,
		webhookRetries: o.webhookRetries ?? 3,
	};
}

export interface KeyRecord {
	key: string;
	id: string;
	credits: number;
	active: boolean;
	email: string;
	teamName: string;
	plan: string;
	customerId: string | null;
	progressCurve?: ProgressCurve;
	teamId: string;
	role: KeyRole;
}

export interface UploadRecord {
	id: string;
	apiKey: string;
	contentType: string;
	ext: string;
	bytes: Buffer;
	width: number | null;
	height: number | null;
	createdAt: number;
	expiresAt: number;
}

/** Internal job: the public SimJob plus what must not leak into admin views. */
export interface JobRecord extends SimJob {
	apiKey: string;
	/** Creation order, for newest-first listing, cursors and seeded durations (from 1 again after a reset). */
	seq: number;
	/** Real ms timestamps used to compute status, progress and expiry lazily. */
	startedAtMs: number | null;
	completedAtMs: number | null;
	/** Real ms of the job's curve, from taking its slot to its planned end (also for [[stuck]] jobs). */
	plannedMs: number;
	/** Behaviour markers found in the prompt. */
	markers: { fail: boolean; slow: boolean; stuck: boolean };
	/** Webhook deliveries of one job run one after another, in event order. */
	webhookChain: Promise<void>;
	webhookHadFailure: boolean;
}

export interface IdempotencyEntry {
	jobId: string;
	canonical: string;
	at: number;
}

export class SimState {
	readonly timers = new Timers();
	baseUrl = '';
	keys = new Map<string, KeyRecord>();
	jobs = new Map<string, JobRecord>();
	uploads = new Map<string, UploadRecord>();
	requests: RecordedRequest[] = [];
	deliveries: WebhookDelivery[] = [];
	faults: FaultSpec[] = [];
	/** apiKey -> Idempotency-Key -> entry */
	idempotency = new Map<string, Map<string, IdempotencyEntry>>();
	rate = new Map<string, { windowStart: number; count: number }>();
	/** apiKey -> ids of jobs waiting for a slot, oldest first. */
	queues = new Map<string, string[]>();
	/** Webhook requests in flight, destroyed on reset/close. */
	inflight = new Set<ClientRequest>();
	/** Responses a fault is holding open (stall, slow download), dropped on reset/close. */
	held = new Set<ServerResponse>();
	/** Bumped by reset/close so late callbacks of an older generation do nothing. */
	generation = 0;
	seq = 0;
	closed = false;

	constructor(readonly cfg: Config) {
		this.loadKeys();
	}

	/** Simulated ms -> real ms. */
	scaled(ms: number): number {
		return ms * this.cfg.timeScale;
	}

	loadKeys(): void {
		this.keys.clear();
		this.cfg.keys.forEach((k) => this.upsertKey(k));
	}

	upsertKey(k: KeySpec): KeyRecord {
		const prev = this.keys.get(k.key);
		const n = this.keys.size + 1;
		const rec: KeyRecord = {
			key: k.key,
			id: prev?.id ?? `key_${n}`,
			credits: k.credits ?? prev?.credits ?? 100000,
			active: k.active ?? prev?.active ?? true,
			email: k.email ?? prev?.email ?? `user${n}@sim.apiframe.local`,
			teamName: k.teamName ?? prev?.teamName ?? `Simulated team ${n}`,
			plan: k.plan ?? prev?.plan ?? 'pro',
			// From the key, so a key keeps its customer id across resets and key order.
			customerId: k.customerId !== undefined ? k.customerId : prev ? prev.customerId : `cus_sim_${sha256(k.key).toString('hex').slice(0, 14)}`,
			progressCurve: k.progressCurve ?? prev?.progressCurve,
			// `team_key_N` as before teams existed, so a lone key's /v2/me is unchanged.
			teamId: k.teamId ?? prev?.teamId ?? `team_${prev?.id ?? `key_${n}`}`,
			role: k.role ?? prev?.role ?? 'OWNER',
		};
		this.keys.set(k.key, rec);
		return rec;
	}

	/** Forget everything that happened; keys and credits go back to the configured ones. */
	reset(): void {
		this.generation++;
		this.timers.clearAll();
		for (const r of this.inflight) r.destroy();
		this.inflight.clear();
		for (const r of this.held) r.socket?.destroy();
		this.held.clear();
		this.jobs.clear();
		this.uploads.clear();
		this.requests = [];
		this.deliveries = [];
		this.faults = [];
		this.idempotency.clear();
		this.rate.clear();
		this.queues.clear();
		// A seeded simulator replays the same durations after a reset: the n-th job counts from 1 again.
		this.seq = 0;
		this.loadKeys();
	}
}
