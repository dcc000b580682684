import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../../../nodes/shared/errors';
import { ApiframeHttpError } from '../../../nodes/shared/retry';
import { boundedCopy, redactErrorFields, secretForms } from '../../../nodes/shared/secrets';
import { keyForms, textsHoldingKey } from '../../support/secretScan';

const KEY = 'afk_live_0123456789abcdef0123456789abcdef';
const [, DIGEST] = keyForms(KEY);
const MASK = 'afk_…cdef';
const node: INode = { id: 'n1', name: 'Seedream', type: 'n8n-nodes-seedream.seedream', typeVersion: 1, position: [0, 0], parameters: {} };

/** `{"a":{"a":…}}` n levels deep, with `leaf` at the bottom. */
function nested(levels: number, leaf: unknown): unknown {
	let value = leaf;
	for (let i = 0; i < levels; i++) value = { a: value };
	return value;
}

describe('boundedCopy: the one walker over foreign data', () => {
	it('keeps maxDepth levels below the value and drops deeper objects, without recursing into them', () => {
		expect(boundedCopy(nested(4, 'x'), { maxDepth: 3, maxNodes: 100 })).toEqual(nested(4, 'x'));
		expect(JSON.stringify(boundedCopy(nested(4, { b: 1 }), { maxDepth: 3, maxNodes: 100 }))).toBe('{"a":{"a":{"a":{}}}}');
		expect(JSON.stringify(boundedCopy(nested(100_000, 'x'), { maxDepth: 2, maxNodes: 100 }))).toBe('{"a":{"a":{}}}');
	});

	it('caps arrays, texts and the number of objects; maps texts and names before cutting them', () => {
		expect(boundedCopy([1, 2, 3, 4], { maxDepth: 5, maxNodes: 100, maxArrayItems: 2 })).toEqual([1, 2]);
		expect(boundedCopy({ [`k ${KEY}`]: `v ${KEY}` }, { maxDepth: 5, maxNodes: 100, maxStringChars: 6, mapString: (t) => t.split(KEY).join('K') })).toEqual({ 'k K': 'v K' });
		expect(boundedCopy({ s: 'abcdefgh' }, { maxDepth: 5, maxNodes: 100, maxStringChars: 3 })).toEqual({ s: 'abc…' });
		expect(boundedCopy([{}, {}, {}, {}], { maxDepth: 5, maxNodes: 3 })).toEqual([{}, {}]);
	});

	it('copies cycles as cycles, keeps an error\'s class, and never calls a getter', () => {
		const loop: Record<string, unknown> = { name: 'loop' };
		loop.self = loop;
		const copy = boundedCopy(loop, { maxDepth: 5, maxNodes: 100 }) as Record<string, unknown>;
		expect(copy.self).toBe(copy);
		const error = boundedCopy(new TypeError('bad'), { maxDepth: 5, maxNodes: 100 });
		expect(error).toBeInstanceOf(TypeError);
		expect((error as Error).message).toBe('bad');
		let calls = 0;
		expect(boundedCopy({ get x() { calls++; return KEY; } }, { maxDepth: 5, maxNodes: 100 })).toEqual({});
		expect(calls).toBe(0);
	});
});

describe('the key in no field of an error', () => {
	it('knows two forms of the key: itself and the hex SHA-256 that signs webhooks', () => {
		expect(secretForms(KEY)).toEqual([KEY, DIGEST]);
		expect(secretForms('abc')).toEqual([]);
		expect(secretForms(undefined)).toEqual([]);
	});

	it('an API answer that echoes the key: message, description, errorResponse and a deep copy are all masked', () => {
		const body = { error: `Invalid API key ${KEY}`, details: { [KEY]: [`sha ${DIGEST}`] }, echo: nested(40, KEY) };
		const error = toNodeError(node, new ApiframeHttpError(400, body, undefined, `req-${KEY}`), { itemIndex: 2, apiKey: KEY }) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`Apiframe rejected the request: Invalid API key ${MASK}`);
		expect(error.description).toBe(`${MASK}: sha ${DIGEST.slice(0, 4)}…${DIGEST.slice(-4)}\nRequest ID: req-${MASK}`);
		expect(error.httpCode).toBe('400');
		expect(error.errorResponse).toMatchObject({ statusCode: 400, body: { error: `Invalid API key ${MASK}` } });
		expect(textsHoldingKey(error, KEY)).toBe(0);
		expect(JSON.stringify(error)).not.toContain(KEY);
		expect(JSON.stringify(error.errorResponse)).not.toContain(KEY);
		// The error is still n8n's: its class and its node are kept.
		expect(error.node).toBe(node);
	});

	it('an HTTP client\'s error (the key in its request headers, its cause, its context) is cleaned where it stands', () => {
		const cause = Object.assign(new Error(`connect ECONNREFUSED for ${KEY}`), {
			config: { headers: { 'X-API-Key': KEY }, url: `/v2/jobs?k=${KEY}` },
			request: { socket: nested(5_000, KEY) },
			raw: Buffer.from(`X-API-Key: ${KEY}`),
		});
		const wrapped = new NodeApiError(node, cause as never, { message: `Failed with ${KEY}` });
		wrapped.context.echo = { key: KEY, list: [KEY, { deeper: KEY }] };
		const returned = toNodeError(node, wrapped, { apiKey: KEY });
		expect(returned).toBe(wrapped);
		expect(returned.message).toBe(`Failed with ${MASK}`);
		expect(returned.context.echo).toEqual({ key: MASK, list: [MASK, { deeper: MASK }] });
		expect((returned.cause as Error).message).toBe(`connect ECONNREFUSED for ${MASK}`);
		expect((returned.cause as unknown as { config: unknown }).config).toEqual({ headers: { 'X-API-Key': MASK }, url: `/v2/jobs?k=${MASK}` });
		expect(textsHoldingKey(returned, KEY)).toBe(0);
		expect(JSON.stringify(returned)).not.toContain(KEY);
		// The live client objects were copied, not changed.
		expect(cause.config.headers['X-API-Key']).toBe(KEY);
	});

	it('errors of our own (a timeout, a plain failure) are masked too, and nothing changes without a key', () => {
		const plain = toNodeError(node, new Error(`boom ${KEY}`), { apiKey: KEY });
		expect(plain).toBeInstanceOf(NodeOperationError);
		expect(plain.message).toBe(`boom ${MASK}`);
		expect(textsHoldingKey(plain, KEY)).toBe(0);
		const unknownKey = new NodeOperationError(node, `boom ${KEY}`);
		redactErrorFields(unknownKey, undefined, ['node']);
		expect(unknownKey.message).toBe(`boom ${KEY}`);
	});
});
