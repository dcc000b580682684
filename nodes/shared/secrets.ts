import { createHash } from 'crypto';

import { REDACT_MAX_DEPTH, REDACT_MAX_NODES } from './constants';

/** Keys look like `afk_…`; whatever we show a user keeps only enough to tell two keys apart. */
export function maskApiKey(apiKey: string): string {
	if (apiKey.length <= 8) return '***';
	return `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
}

/** Removes every occurrence of the key from a text before it reaches an item, an error or a log. */
export function redactSecret(text: string, secret: string | undefined): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join(maskApiKey(secret));
}

/**
 * What must never be shown of a key: the key, and the hex SHA-256 digest the webhook signature
 * is keyed with (its raw bytes, see signature.ts): whoever has either can sign deliveries.
 */
export function secretForms(apiKey: string | undefined): string[] {
	if (!apiKey || apiKey.length < 4) return [];
	return [apiKey, createHash('sha256').update(apiKey, 'utf8').digest('hex')];
}

export interface CopyLimits {
	/** Objects more than this many levels below the value are dropped. */
	maxDepth: number;
	/** Objects and arrays copied in all; the ones past this are dropped. */
	maxNodes: number;
	maxArrayItems?: number;
	/** Texts are cut after this many characters (after mapString, so a key is never cut in half). */
	maxStringChars?: number;
	/** Applied to every text and property name: the redaction. */
	mapString?: (text: string) => string;
}

const DROPPED = Symbol('dropped');

interface CopyState {
	nodes: number;
	copies: Map<object, unknown>;
}

function copyString(text: string, limits: CopyLimits): string {
	const result = limits.mapString ? limits.mapString(text) : text;
	return limits.maxStringChars !== undefined && result.length > limits.maxStringChars ? `${result.slice(0, limits.maxStringChars)}…` : result;
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Buffer {
	return ArrayBuffer.isView(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : Buffer.from(value);
}

/**
 * A property as data, or undefined for a getter (never called: it could do anything). An error's
 * `stack` is the exception: newer V8 installs it as an accessor, and it repeats the message.
 */
function dataDescriptor(value: object, name: string): PropertyDescriptor | undefined {
	const descriptor = Object.getOwnPropertyDescriptor(value, name);
	if (descriptor && 'value' in descriptor) return descriptor;
	if (name === 'stack' && value instanceof Error) return { value: value.stack, writable: true, enumerable: false, configurable: true };
	return undefined;
}

/**
 * The one walker over foreign data (an HTTP client's error, a webhook body): a copy within the
 * limits, never deeper than maxDepth calls, never calling a getter, safe with cycles. Errors keep
 * their class (n8n serialises them through it); other class instances become plain objects, since
 * a copy of a URL, Map or socket would not work as one.
 */
function copyValue(value: unknown, limits: CopyLimits, state: CopyState, depth: number): unknown {
	if (typeof value === 'string') return copyString(value, limits);
	if (typeof value === 'function' || typeof value === 'symbol') return DROPPED;
	if (value === null || typeof value !== 'object') return value;
	if (state.copies.has(value)) return state.copies.get(value);
	if (value instanceof Date) return value;
	if (depth > limits.maxDepth || state.nodes >= limits.maxNodes || value instanceof Map || value instanceof Set) return DROPPED;
	state.nodes++;
	if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
		const text = bytesOf(value).toString('latin1');
		return !limits.mapString || limits.mapString(text) === text ? value : DROPPED;
	}
	if (Array.isArray(value)) {
		const copy: unknown[] = [];
		state.copies.set(value, copy);
		const count = Math.min(value.length, limits.maxArrayItems ?? value.length);
		for (let index = 0; index < count; index++) {
			const item = copyValue(value[index], limits, state, depth + 1);
			if (item !== DROPPED) copy.push(item);
		}
		return copy;
	}
	const prototype = Object.getPrototypeOf(value) as object | null;
	const keepsClass = prototype === null || prototype === Object.prototype || value instanceof Error;
	const copy = Object.create(keepsClass ? prototype : Object.prototype) as Record<string, unknown>;
	state.copies.set(value, copy);
	for (const name of Object.getOwnPropertyNames(value)) {
		const descriptor = dataDescriptor(value, name);
		if (!descriptor) continue;
		const item = copyValue(descriptor.value, limits, state, depth + 1);
		if (item === DROPPED) continue;
		Object.defineProperty(copy, limits.mapString ? limits.mapString(name) : name, { value: item, enumerable: descriptor.enumerable, writable: true, configurable: true });
	}
	return copy;
}

/** A copy of untrusted JSON-like data within the limits (undefined when the value itself is dropped). */
export function boundedCopy(value: unknown, limits: CopyLimits): unknown {
	const copy = copyValue(value, limits, { nodes: 0, copies: new Map() }, 0);
	return copy === DROPPED ? undefined : copy;
}

function redactAll(text: string, secrets: string[]): string {
	return secrets.reduce((result, secret) => redactSecret(result, secret), text);
}

/**
 * Takes the key out of every field of an error, however deep (message, description, stack,
 * errorResponse, context, cause and whatever they hold). The error stays the same instance,
 * since n8n keeps it; each field that holds an object is replaced by a redacted copy within the
 * limits, so what lies past them is gone rather than left unread.
 * `keep` names fields that are not the error's to change (n8n's node object).
 */
export function redactErrorFields(error: object, apiKey: string | undefined, keep: readonly string[]): void {
	const secrets = secretForms(apiKey);
	if (secrets.length === 0) return;
	const limits: CopyLimits = { maxDepth: REDACT_MAX_DEPTH, maxNodes: REDACT_MAX_NODES, mapString: (text) => redactAll(text, secrets) };
	const state: CopyState = { nodes: 0, copies: new Map([[error, error]]) };
	for (const name of Object.getOwnPropertyNames(error)) {
		const descriptor = dataDescriptor(error, name);
		if (keep.includes(name) || !descriptor) continue;
		const copy = copyValue(descriptor.value, limits, state, 1);
		if (copy !== descriptor.value) Object.defineProperty(error, name, { ...descriptor, value: copy === DROPPED ? undefined : copy });
	}
}
