/** Every timing, limit and default the nodes rely on, named with its unit. */

export const DEFAULT_BASE_URL = 'https://api.apiframe.ai';
/**
 * The credential's Base URL as n8n expressions see it (routed operations, the credential test):
 * the same rule as normalizeBaseUrl, so `https://api.apiframe.ai/v2/` works everywhere.
 */
export const BASE_URL_EXPRESSION = `={{ String($credentials.baseUrl || "${DEFAULT_BASE_URL}").trim().replace(/\\/+$/, "").replace(/\\/v2$/i, "") }}`;
export const SEEDREAM_MODEL_ID = 'seedream-4.5';
/**
 * The Seedream models Apiframe serves with `seedreamParams` (its v2 OpenAPI), newest first: the
 * Model field's list when `GET /v2/models` cannot be read. Credits per image where known.
 */
export const SEEDREAM_MODELS: ReadonlyArray<{ id: string; label: string; credits?: number }> = [
	{ id: 'seedream-5-pro', label: 'Seedream 5 Pro' },
	{ id: 'seedream-5-lite', label: 'Seedream 5 Lite' },
	{ id: 'seedream-4.5', label: 'Seedream 4.5', credits: 4 },
	{ id: 'seedream-4', label: 'Seedream 4' },
	{ id: 'seedream-3.1', label: 'Seedream 3.1' },
	{ id: 'seedream-3', label: 'Seedream 3' },
];
/** Model ids the node sends: Apiframe's Seedream family (`seedream-…`). */
export const SEEDREAM_MODEL_PATTERN = /^seedream-[a-z0-9][a-z0-9.-]{0,40}$/;
export const CREDENTIAL_TYPE = 'apiframeApi';

export const WAIT_TIMEOUT_DEFAULT_MINUTES = 10;

// Retries of idempotent requests (GET, downloads, submits that carry an Idempotency-Key).
export const RETRY_MAX_ATTEMPTS = 8;
export const RETRY_BASE_MS = 500;
export const RETRY_MAX_MS = 30_000;
/** A Retry-After longer than this is not waited out: the user is better served by an error. */
export const RETRY_AFTER_MAX_MS = 120_000;
/** At most this long does one 429 pause every row of the account in this process. */
export const ACCOUNT_PAUSE_MAX_MS = RETRY_AFTER_MAX_MS;

// Downloads of result images from the CDN.
/** One try of a download, from the request to the last byte (time spent waiting for store room excluded). */
export const DOWNLOAD_TOTAL_MS = 120_000;
/** A download that receives no byte for this long is ended and tried again, like a dropped connection. */
export const DOWNLOAD_IDLE_MS = 30_000;
/** A download that receives no byte for this long gives its share of the store budget back to the others. */
export const DOWNLOAD_BUDGET_IDLE_MS = 2_000;
/** How often (at most) a download's watchdog looks at its progress. */
export const DOWNLOAD_WATCH_EVERY_MS = 1_000;
export const DOWNLOAD_MAX_BYTES = 64 * 1024 * 1024;
/** Image bytes one process stores at once (see storeBudget.ts); a download of unknown size counts as 16 MiB. */
export const DOWNLOAD_STORE_BUDGET_BYTES = 48 * 1024 * 1024;
export const DOWNLOAD_UNKNOWN_SIZE_BYTES = 16 * 1024 * 1024;
export const REQUEST_TIMEOUT_MS = 60_000;

// Uploads of reference images from binary properties (the API's limit is 25 MB).
export const UPLOAD_MAX_BYTES = 25 * 1024 * 1024;
/** Uploads in flight per account at once: they share the account's rate limit with submits and polls. */
export const UPLOADS_AT_ONCE = 4;
/** An uploaded reference's URL is reused (same file, same account) until this long before it expires. */
export const UPLOAD_REUSE_MARGIN_MS = 10 * 60_000;
/** How long an upload's URL lives when the API does not say (Apiframe: about 1–2 h). */
export const UPLOAD_LIFETIME_DEFAULT_MS = 60 * 60_000;

/** Submits in flight at once when the node does not wait for the jobs (no running-job slot holds them back). */
export const SUBMITS_AT_ONCE_WITHOUT_WAITING = 8;
/** A row whose job FAILED is submitted again at most this many times in all (new key suffix each time). */
export const SUBMIT_ATTEMPTS_MAX = 3;


// The job runner (nodes/Seedream/jobRunner, docs/job-runner.md). Times are real; tests scale them in registry.ts.
/** Where an account whose running-job limit is unknown starts… */
export const WINDOW_INITIAL_JOBS = 16;
/** …and how many times it grows when a look shows every job of ours running with rows waiting (a full account holds some back). */
export const WINDOW_GROWTH_FACTOR = 4;
/** Beyond a known limit K, ceil(K × this) jobs of ours may wait QUEUED: the API refills a freed place at once. */
export const WINDOW_SLACK_SHARE = 0.2;
/** A job of ours is held (the account is full) once QUEUED this many times the median start delay of ours. */
export const HELD_AFTER_START_DELAYS = 2;
/** Before any job of ours has started, QUEUED this long while others' jobs run means held (they fill the account). */
export const HELD_BEFORE_ANY_START_MS = 1_000;
export const START_DELAYS_KEPT = 64;
/** One look lists this many of the account's newest jobs (the API's largest page). */
export const LOOK_PAGE_JOBS = 100;
/** Looks at an account are at least this far apart, whatever the number of jobs waiting. */
export const LOOK_MIN_MS = 250;
/** Durations unknown: a job is looked at this long after its submit, then each gap 1.5× longer, at most 5 s. */
export const COLD_FIRST_LOOK_MS = 500;
export const COLD_LOOK_GROWTH = 1.5;
export const COLD_LOOK_MAX_GAP_MS = 5_000;
/** Durations known: looks begin at this quantile of them after a job's start, plus this share of their median… */
export const WARM_FIRST_LOOK_QUANTILE = 0.1;
export const WARM_FIRST_LOOK_MARGIN_SHARE = 0.01;
/** …and follow every this share of their median (and at least LOOK_MIN_MS)… */
export const WARM_LOOK_GAP_SHARE = 0.1;
/** …or, in the tail, every this share of how long the job has run, when that is longer. */
export const WARM_TAIL_GAP_SHARE = 0.05;
/** Durations learned (account, model, size) before the schedule trusts them. */
export const DURATIONS_TO_WARM = 3;
export const JOB_DURATION_SAMPLES_KEPT = 50;
/** Looks one process allows itself per account (a token bucket): Apiframe reportedly allows 500 requests a minute. */
export const LOOK_RATE_PER_MINUTE = 300;
export const LOOK_BURST = 150;
/** Looks failing in a row (each after its own retries) before the rows waiting on them fail with the error. */
export const LOOK_FAILURES_MAX = 2;
/** 429s closer together than this halve a learning window once. */
export const RATE_DECREASE_GAP_MS = 5_000;
/** How long the plan's limit read from `/v2/me` is trusted before it is asked again (plans change). */
export const ACCOUNT_LIMIT_CACHE_MS = 10 * 60_000;

// The API's documented ranges, checked before any paid request.
export const PROMPT_MAX_CHARS = 2_000;
export const GUIDANCE_MIN = 1;
export const GUIDANCE_MAX = 10;
export const GUIDANCE_STEP = 0.5;
export const GUIDANCE_DEFAULT = 3;
// Seedream 4.5's documented sizes; the other Seedream models follow the v2 OpenAPI schema.
export const CUSTOM_SIZE_MIN_PX = 1_024;
export const CUSTOM_SIZE_MAX_PX = 4_096;
export const SCHEMA_SIZE_MIN_PX = 512;
export const REFERENCE_IMAGES_MAX = 14;
export const IDEMPOTENCY_KEY_MAX_CHARS = 255;
export const SEED_MAX = 4_294_967_295;

export const ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9', 'match_input_image'] as const;
export const SIZES = ['2K', '4K', 'custom'] as const;
export const OUTPUT_FORMATS = ['jpg', 'png'] as const;
export const WEBHOOK_EVENTS = ['progress', 'completed', 'failed'] as const;
/** What the fields show for each value above (one list: the fields and the validation read the same values). */
type Labels<T extends readonly string[]> = Record<T[number], { name: string; description?: string }>;
export const ASPECT_RATIO_LABELS: Labels<typeof ASPECT_RATIOS> = {
	'1:1': { name: 'Square (1:1)' },
	'3:4': { name: 'Portrait (3:4)' },
	'4:3': { name: 'Landscape (4:3)' },
	'9:16': { name: 'Vertical (9:16)' },
	'16:9': { name: 'Widescreen (16:9)' },
	match_input_image: { name: 'Match Input Image', description: 'Same shape as the first reference image' },
};
export const SIZE_LABELS: Labels<typeof SIZES> = {
	'2K': { name: '2K', description: 'About 2048 pixels on the long side' },
	'4K': { name: '4K', description: 'About 4096 pixels on the long side' },
	custom: { name: 'Custom', description: 'Width and height of your choice: 1024–4096 pixels for Seedream 4.5, 512–4096 for the other models' },
};
export const OUTPUT_FORMAT_LABELS: Labels<typeof OUTPUT_FORMATS> = { jpg: { name: 'JPG' }, png: { name: 'PNG' } };
export const WEBHOOK_EVENT_LABELS: Labels<typeof WEBHOOK_EVENTS> = { completed: { name: 'Completed' }, failed: { name: 'Failed' }, progress: { name: 'Progress' } };
export const TERMINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;

// ---- Trusted image downloads and the trigger's delivery log (what is fetched, and how much) ----
/** Apiframe serves result images from its CDN (`https://cdn2.apiframe.ai/images/…`): https only. */
export const APIFRAME_CDN_ORIGIN = 'https://*.apiframe.ai';
/**
 * At most this many image URLs of one job are downloaded. Seedream returns a handful per job (one
 * for a plain generate; ByteDance caps a Seedream 4.x group generation at 15 images), so a list
 * longer than 16 is not a real result and is refused before any download.
 */
export const IMAGE_URLS_PER_JOB_MAX = 16;
/** A CDN may redirect once or twice (signed URL, region); every hop is checked again. */
export const DOWNLOAD_MAX_REDIRECTS = 3;
/** Apiframe's job ids are UUIDs; anything outside 1–64 of [A-Za-z0-9_-] is not a job id. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The delivery log in the trigger's static data: at most this many (jobId, event) pairs… */
export const DELIVERY_LOG_MAX_ENTRIES = 2_000;
/** …and at most this many bytes as JSON (static data is saved with the workflow on every call). */
export const DELIVERY_LOG_MAX_BYTES = 128 * 1024;
/** What a job id must be, in words, for messages that refuse one. */
export const JOB_ID_RULE = '1–64 characters of A–Z, a–z, 0–9, "_" and "-"';
/** A refused Job ID is shown in its message up to this many characters. */
export const JOB_ID_SHOWN_MAX_CHARS = 80;

// ---- What the trigger echoes from a delivery, and how long a signed delivery may be replayed ----
/**
 * A delivery whose `completedAt` (else `createdAt`) is older than this is not run: its result URLs
 * have expired (Apiframe keeps files about 24 h), so it can only be a replay. The contract has no
 * timestamp header, and `failed` and `progress` bodies carry no time at all.
 */
export const WEBHOOK_MAX_AGE_MS = 24 * 60 * 60_000;
/** The job's error text in a trigger item is cut after this many characters. */
export const WEBHOOK_ERROR_MAX_CHARS = 2_000;
/** Other texts of a delivery (model, status, dates) are cut after this many characters. */
export const WEBHOOK_TEXT_MAX_CHARS = 200;
/** An `error` or `result` nested deeper than this is dropped below it (Apiframe's are 1–2 deep). */
export const WEBHOOK_FIELD_MAX_DEPTH = 8;
/** At most this many entries of an array in a non-text `error` are kept. */
export const WEBHOOK_ERROR_ARRAY_MAX_ITEMS = 100;
/** Objects and arrays read from one delivery field at most; the rest is dropped. */
export const WEBHOOK_FIELD_MAX_NODES = 2_000;

// ---- Redaction of the API key from errors (secrets.ts) ----
/** Error fields nested deeper than this are dropped from the error rather than left unread. */
export const REDACT_MAX_DEPTH = 12;
/** Objects one error's fields may hold in all (an HTTP client's error holds sockets and agents). */
export const REDACT_MAX_NODES = 5_000;

// ---- Finding a job again after a 409 (its key was used with other reference upload URLs) ----
/** Apiframe keeps an Idempotency-Key (and answers 409 to a changed body) this long. */
export const IDEMPOTENCY_KEY_KEPT_MS = 24 * 60 * 60_000;
/** Jobs per page when the account's jobs of one model are searched for the earlier job. */
export const EARLIER_JOB_PAGE = 100;
/** At most this many pages (newest first) are searched: 2,000 jobs of the model in 24 h. */
export const EARLIER_JOB_PAGES_MAX = 20;
/** Digests of earlier jobs' reference files kept per process (an upload URL names one file for good). */
export const EARLIER_FILE_DIGESTS_KEPT = 1_000;
