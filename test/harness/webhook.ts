/**
 * runWebhook: calls a trigger node's `webhook()` the way n8n's webhook server does, through
 * n8n-core's WebhookContext, with a fake express request/response pair instead of a server.
 */
import { WebhookContext } from 'n8n-core';
import type {
	ICredentialType,
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeExecutionData,
	INodeType,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WebhookType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UnexpectedError, Workflow } from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import type { HarnessCredentials } from './credentials-helper';
import { HarnessCredentialsHelper } from './credentials-helper';
import { ensureEnvironment } from './environment';
import { HarnessNodeTypes, attachCredentials } from './node-types';

export interface RunWebhookOptions {
	nodeType: INodeType;
	credentialTypes: ICredentialType[];
	credentials: HarnessCredentials;
	/** The trigger node as in workflow JSON (name, type, parameters, webhookId …). */
	node: INode;
	/** Static data from a previous call (pass `result.staticData` back to chain calls). */
	workflowStaticData?: IDataObject;
	request: {
		method: IHttpRequestMethods;
		/** Header names in any case; n8n (like Node's http module) sees them lower-cased. */
		headers: Record<string, string>;
		/** Raw bytes as received; `req.body` is their JSON parse when they are JSON. */
		body: Buffer;
		query?: Record<string, string>;
	};
	/** Which of the node's webhooks to call (default 'default'). */
	webhookName?: WebhookType;
	/** Default 'webhook' (a production webhook call). */
	mode?: WorkflowExecuteMode;
	executionId?: string;
}

export interface RunWebhookResult {
	/** What `webhook()` returned. */
	webhookResponse: IWebhookResponseData;
	/** Set when the node called res.status()/sendStatus()/writeHead(). */
	responseStatus?: number;
	/** Set when the node called res.send()/json()/end() with a body. */
	responseBody?: unknown;
	responseHeaders: Record<string, string>;
	/** true once the node ended the response itself (then n8n sends nothing more). */
	responseEnded: boolean;
	/** The workflow's static data after the call (plain JSON copy). */
	staticData: IDataObject;
	/** `webhookResponse.workflowData`: what the trigger hands to the rest of the workflow. */
	items?: INodeExecutionData[][];
}

type FakeResponse = NonNullable<IWorkflowExecuteAdditionalData['httpResponse']>;
type FakeRequest = NonNullable<IWorkflowExecuteAdditionalData['httpRequest']>;

function parseBody(body: Buffer, contentType: string | undefined): unknown {
	if (body.length === 0) return {};
	const text = body.toString('utf8');
	if (contentType?.includes('application/x-www-form-urlencoded')) {
		return Object.fromEntries(new URLSearchParams(text));
	}
	// n8n's body parser only parses declared JSON; tests often omit the header, so also try.
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return contentType?.includes('json') ? {} : text;
	}
}

function fakeRequest(request: RunWebhookOptions['request'], path: string): FakeRequest {
	const headers = Object.fromEntries(
		Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
	);
	const query = request.query ?? {};
	const search = new URLSearchParams(query).toString();
	const url = `/webhook/${path}${search ? `?${search}` : ''}`;
	const req = {
		method: request.method,
		headers,
		rawBody: request.body,
		body: parseBody(request.body, headers['content-type']),
		query,
		params: {},
		url,
		originalUrl: url,
		path: `/webhook/${path}`,
		ip: '127.0.0.1',
		get: (name: string) => headers[name.toLowerCase()],
		header: (name: string) => headers[name.toLowerCase()],
		// Nodes may read the raw body via the stream API (n8n's readRawBody helpers).
		readRawBody: async () => undefined,
	};
	return req as unknown as FakeRequest;
}

interface Captured {
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
	ended: boolean;
}

/** Just enough of express.Response to record what a node does with it. */
function fakeResponse(captured: Captured): FakeResponse {
	const res = {
		get statusCode() {
			return captured.status ?? 200;
		},
		set statusCode(code: number) {
			captured.status = code;
		},
		get headersSent() {
			return captured.ended;
		},
		status(code: number) {
			captured.status = code;
			return res;
		},
		sendStatus(code: number) {
			captured.status = code;
			captured.ended = true;
			return res;
		},
		setHeader(name: string, value: string | number | string[]) {
			captured.headers[name.toLowerCase()] = String(value);
			return res;
		},
		set(name: string | Record<string, string>, value?: string) {
			const entries = typeof name === 'string' ? [[name, value ?? '']] : Object.entries(name);
			for (const [key, val] of entries) captured.headers[key.toLowerCase()] = String(val);
			return res;
		},
		header(name: string, value: string) {
			return res.set(name, value);
		},
		getHeader: (name: string) => captured.headers[name.toLowerCase()],
		writeHead(code: number, headers?: Record<string, string>) {
			captured.status = code;
			if (headers) res.set(headers);
			return res;
		},
		send(body?: unknown) {
			if (body !== undefined) captured.body = body;
			captured.ended = true;
			return res;
		},
		json(body?: unknown) {
			captured.headers['content-type'] ??= 'application/json';
			return res.send(body);
		},
		end(body?: unknown) {
			return res.send(body);
		},
	};
	return res as unknown as FakeResponse;
}

export async function runWebhook(opts: RunWebhookOptions): Promise<RunWebhookResult> {
	await ensureEnvironment();
	const { nodeType } = opts;
	if (typeof nodeType.webhook !== 'function') {
		throw new UnexpectedError(`Node type "${nodeType.description.name}" has no webhook() method`);
	}
	const webhookName = opts.webhookName ?? 'default';
	const description: IWebhookDescription | undefined = (nodeType.description.webhooks ?? []).find(
		(webhook) => webhook.name === webhookName,
	);
	if (description === undefined) {
		throw new UnexpectedError(`Node type "${nodeType.description.name}" declares no "${webhookName}" webhook`);
	}

	const node = structuredClone(opts.node);
	const nodeTypes = new HarnessNodeTypes({ [node.type]: nodeType });
	const credentialsHelper = new HarnessCredentialsHelper(opts.credentialTypes, opts.credentials);
	attachCredentials([node], nodeTypes, (type) => credentialsHelper.hasData(type));
	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness webhook workflow',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		// A copy: the caller's object stays as it was; the new state comes back in the result.
		staticData: structuredClone(opts.workflowStaticData ?? {}),
		settings: { executionOrder: 'v1' },
	});

	const path = node.webhookId ?? (typeof description.path === 'string' ? description.path : 'webhook');
	const captured: Captured = { headers: {}, ended: false };
	const additionalData = buildAdditionalData({
		credentialsHelper,
		executionId: opts.executionId ?? 'harness-webhook',
		workflowId: workflow.id,
	});
	additionalData.httpRequest = fakeRequest(opts.request, path);
	additionalData.httpResponse = fakeResponse(captured);

	const webhookData: IWebhookData = {
		httpMethod: opts.request.method,
		node: node.name,
		path,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: false,
	};
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		opts.mode ?? 'webhook',
		webhookData,
		[],
		null,
	);
	const webhookResponse = await nodeType.webhook.call(context);

	return {
		webhookResponse,
		responseStatus: captured.status,
		responseBody: captured.body,
		responseHeaders: captured.headers,
		responseEnded: captured.ended,
		// staticData is an observable proxy; a JSON copy is a plain object safe to reuse.
		staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
		items: webhookResponse.workflowData,
	};
}
