/**
 * Proves the in-process harness runs n8n-core like a server would: real HTTP to a local echo
 * server, credential `authenticate` applied, binaries in filesystem mode, continue-on-fail,
 * credential tests, webhooks with static data and cancellation.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { INode, INodeExecutionData } from 'n8n-workflow';

import { cleanupHarness, runWebhook, runWorkflow, testCredential } from '.';
import {
	ECHO_NODE_TYPE,
	ECHO_TRIGGER_TYPE,
	Echo,
	EchoApi,
	EchoTrigger,
	WAIT_NODE_TYPE,
	WaitForCancel,
} from './fixtures';

interface SeenRequest {
	method: string;
	url: URL;
	headers: IncomingHttpHeaders;
}

let server: Server;
let baseUrl: string;
const seen: SeenRequest[] = [];
/** Items whose `tag` query makes /echo answer 500. */
const failTags = new Set<string>();
/** Requests to /slow, held open until a test answers them. */
const slow: Array<{ res: ServerResponse; closed: boolean }> = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		seen.push({ method: req.method ?? '', url, headers: req.headers });
		const reply = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (url.pathname === '/me') {
			if (req.headers['x-api-key'] === 'good-key') reply(200, { ok: true });
			else reply(401, { error: 'invalid key' });
		} else if (url.pathname === '/echo') {
			const tag = url.searchParams.get('tag') ?? '';
			if (failTags.has(tag)) reply(500, { error: `tag ${tag} fails` });
			else reply(200, { tag, apiKey: req.headers['x-api-key'] ?? null });
		} else if (url.pathname === '/slow') {
			const entry = { res, closed: false };
			res.on('close', () => (entry.closed = true));
			slow.push(entry);
		} else reply(404, { error: 'not found' });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await cleanupHarness();
});

beforeEach(() => {
	seen.length = 0;
	slow.length = 0;
	failTags.clear();
});

function echoNode(overrides: Partial<INode> = {}): INode {
	return {
		id: 'echo-1',
		name: 'Echo',
		type: ECHO_NODE_TYPE,
		typeVersion: 1,
		position: [200, 0],
		parameters: { operation: 'get', tag: '={{ $json.tag }}' },
		...overrides,
	};
}

function baseOptions(node: INode, inputItems: INodeExecutionData[]) {
	return {
		nodeTypes: { [ECHO_NODE_TYPE]: new Echo() },
		credentialTypes: [new EchoApi()],
		credentials: { echoApi: { apiKey: 'secret-key', baseUrl } },
		workflow: { nodes: [node], connections: {} },
		inputItems,
	};
}

const threeItems = (): INodeExecutionData[] => ['a', 'b', 'c'].map((tag) => ({ json: { tag } }));

describe('runWorkflow', () => {
	it('runs a declarative node per item over real HTTP with the credential applied', async () => {
		const result = await runWorkflow(baseOptions(echoNode(), threeItems()));

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(seen).toHaveLength(3);
		expect(seen.map((request) => request.url.searchParams.get('tag')).sort()).toEqual(['a', 'b', 'c']);
		for (const request of seen) expect(request.headers['x-api-key']).toBe('secret-key');

		const items = result.output('Echo');
		expect(items).toHaveLength(3);
		expect(items.map((item) => item.json.tag)).toEqual(['a', 'b', 'c']);
		for (const item of items) {
			// Filesystem mode: the item only references a file; the bytes come back through the service.
			expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
			const bytes = await result.binary(item);
			expect(JSON.parse(bytes.toString('utf8'))).toEqual({ tag: item.json.tag, apiKey: 'secret-key' });
		}
		expect(result.output('Start')).toHaveLength(3);
	});

	it('continues on fail with onError=continueRegularOutput: one error item, two good ones', async () => {
		failTags.add('b');
		const node = echoNode({ onError: 'continueRegularOutput' });
		const result = await runWorkflow(baseOptions(node, threeItems()));

		expect(result.status).toBe('success');
		const items = result.output('Echo');
		expect(items).toHaveLength(3);
		const errors = items.filter((item) => item.json.error !== undefined);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		expect(items.filter((item) => item.binary?.data)).toHaveLength(2);
	});

	it('fails the execution without continue-on-fail', async () => {
		failTags.add('b');
		const result = await runWorkflow(baseOptions(echoNode(), threeItems()));

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '500' });
		expect(() => result.output('Echo')).toThrow(/failed/);
	});

	it('uses an existing manual trigger as start and allows re-running one execution id', async () => {
		const trigger: INode = {
			id: 'trigger',
			name: 'When clicking',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const options = {
			...baseOptions(echoNode(), [{ json: { tag: 'x' } }]),
			workflow: {
				nodes: [trigger, echoNode()],
				connections: { 'When clicking': { main: [[{ node: 'Echo', type: 'main' as const, index: 0 }]] } },
			},
			executionId: '4242',
		};
		const first = await runWorkflow(options);
		const second = await runWorkflow(options);

		for (const result of [first, second]) {
			expect(result.status).toBe('success');
			expect(result.executionId).toBe('4242');
			expect(result.output('Echo')[0].json.executionId).toBe('4242');
			expect(result.runData.Start).toBeUndefined();
		}
		expect(seen).toHaveLength(2);
	});

	it('cancels a running execution through abortSignal; programmatic nodes see the signal', async () => {
		const controller = new AbortController();
		const waitNode: INode = { ...echoNode(), name: 'Wait', type: WAIT_NODE_TYPE, parameters: {} };
		const running = runWorkflow({
			...baseOptions(waitNode, [{ json: {} }]),
			nodeTypes: { [WAIT_NODE_TYPE]: new WaitForCancel() },
			abortSignal: controller.signal,
		});
		setTimeout(() => controller.abort(), 50);
		const result = await running;
		await result.engineSettled;

		expect(result.status).toBe('canceled');
	});

	it('documents n8n-core 2.41: a declarative node keeps its request open after cancel', async () => {
		const controller = new AbortController();
		const running = runWorkflow({
			...baseOptions(echoNode({ parameters: { operation: 'slow' } }), [{ json: {} }]),
			abortSignal: controller.signal,
		});
		while (slow.length === 0) await new Promise((resolve) => setImmediate(resolve));
		const abortedAt = performance.now();
		controller.abort();
		const result = await running;
		expect(result.status).toBe('canceled');
		expect(performance.now() - abortedAt).toBeLessThan(1000);

		// WorkflowExecute builds the declarative node's context without the abort signal, so
		// RoutingNode and postReceive functions get `getExecutionCancelSignal() === undefined`
		// and the HTTP request is not aborted. Answer it so the engine can finish.
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(slow[0].closed).toBe(false);
		slow[0].res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
		await result.engineSettled;
	});

	it('is fast: reports how long a 3-item run takes once n8n-core is warm', async () => {
		const timings: number[] = [];
		for (let i = 0; i < 5; i++) {
			const started = performance.now();
			const result = await runWorkflow(baseOptions(echoNode(), threeItems()));
			timings.push(performance.now() - started);
			expect(result.status).toBe('success');
		}
		const median = [...timings].sort((a, b) => a - b)[2];
		console.log(`harness: 3-item run ${timings.map((t) => t.toFixed(1)).join(' / ')} ms (median ${median.toFixed(1)} ms)`);
		expect(median).toBeLessThan(1000);
	});
});

describe('testCredential', () => {
	it('resolves {{$credentials.baseUrl}}, applies authenticate and reports OK', async () => {
		const result = await testCredential(new EchoApi(), { apiKey: 'good-key', baseUrl });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(seen).toHaveLength(1);
		expect(seen[0].url.pathname).toBe('/me');
		expect(seen[0].headers['x-api-key']).toBe('good-key');
	});

	it('reports an Error for a rejected key', async () => {
		const result = await testCredential(new EchoApi(), { apiKey: 'wrong', baseUrl });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/401|Unauthorized|Authorization failed/i);
	});

	it('reports an Error when nothing listens', async () => {
		const result = await testCredential(new EchoApi(), { apiKey: 'good-key', baseUrl: 'http://127.0.0.1:1' });
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/ECONNREFUSED/) });
	});
});

describe('runWebhook', () => {
	const triggerNode: INode = {
		id: 'trigger-1',
		name: 'Echo Trigger',
		type: ECHO_TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		webhookId: 'f0e1d2c3',
	};
	const webhookOptions = (signature: string, body: Buffer) => ({
		nodeType: new EchoTrigger(),
		credentialTypes: [new EchoApi()],
		credentials: { echoApi: { apiKey: 'shared-secret', baseUrl } },
		node: triggerNode,
		request: {
			method: 'POST' as const,
			headers: { 'Content-Type': 'application/json', 'X-Signature': signature },
			body,
		},
	});

	it('returns items, keeps static data and can call out over HTTP', async () => {
		const body = Buffer.from(JSON.stringify({ jobId: 'job-1', status: 'done' }));
		const first = await runWebhook(webhookOptions('shared-secret', body));

		expect(first.responseStatus).toBeUndefined();
		expect(first.items).toHaveLength(1);
		const [item] = first.items?.[0] ?? [];
		expect(item.json.body).toEqual({ jobId: 'job-1', status: 'done' });
		expect(item.json.echoed).toEqual({ tag: 'from-webhook', apiKey: null });
		const { readBinary } = await import('.');
		expect((await readBinary(item)).equals(body)).toBe(true);
		expect(first.staticData).toEqual({ 'node:Echo Trigger': { calls: 1 } });

		const second = await runWebhook({ ...webhookOptions('shared-secret', body), workflowStaticData: first.staticData });
		expect(second.staticData).toEqual({ 'node:Echo Trigger': { calls: 2 } });
	});

	it('answers 401 through the response object with noWebhookResponse', async () => {
		const result = await runWebhook(webhookOptions('forged', Buffer.from('{}')));

		expect(result.webhookResponse).toEqual({ noWebhookResponse: true });
		expect(result.responseStatus).toBe(401);
		expect(result.responseBody).toBe('bad signature');
		expect(result.responseEnded).toBe(true);
		expect(result.items).toBeUndefined();
		expect(result.staticData).toEqual({});
	});
});

describe('environment', () => {
	it('keeps binary files in a temp n8n user folder', async () => {
		const result = await runWorkflow(baseOptions(echoNode(), [{ json: { tag: 'file' } }]));
		const folder = process.env.N8N_USER_FOLDER ?? '';
		expect(folder).toContain('n8n-harness-');
		expect(existsSync(path.join(folder, '.n8n', 'config'))).toBe(true);
		const stored = readdirSync(path.join(folder, 'binary-data'), { recursive: true });
		expect(stored.some((entry) => String(entry).includes(result.executionId))).toBe(true);
	});

	it('cleanupHarness deletes the folder; a later run sets up a fresh one', async () => {
		const before = process.env.N8N_USER_FOLDER ?? '';
		await cleanupHarness();
		expect(existsSync(before)).toBe(false);

		const result = await runWorkflow(baseOptions(echoNode(), [{ json: { tag: 'again' } }]));
		expect(await result.binary(result.output('Echo')[0])).toEqual(Buffer.from('{"tag":"again","apiKey":"secret-key"}'));
		expect(process.env.N8N_USER_FOLDER).not.toBe(before);
	});
});
