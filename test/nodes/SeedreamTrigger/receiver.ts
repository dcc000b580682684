/** Test helpers for the trigger: a webhook receiver that runs the node through n8n-core, and tiny local HTTP servers. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { runWebhook } from '../../harness';
import type { Simulator } from '../../simulator';
import { signWebhook } from '../../simulator';
import { forwardTo } from '../../support/live';
import { credentialType, TRIGGER_TYPE, triggerNodeType, useSimulator } from '../../support/seedream';

export interface Received {
	status?: number;
	body?: unknown;
	items?: INodeExecutionData[];
	event?: string;
}

let nodeCounter = 1;
const NODE_NAME = 'Seedream Trigger';

async function listen(server: Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | undefined): Promise<void> {
	if (!server) return;
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A stand-in for n8n's webhook server: each POST runs the trigger's webhook() through n8n-core.
 * `beforeDelivery` runs before a real delivery is handled (the simulator waits for our answer,
 * so whatever it does happens before the job's next delivery is sent).
 */
export class TriggerReceiver {
	readonly received: Received[] = [];
	staticData: IDataObject = {};
	parameters: INode['parameters'] = { events: ['completed', 'failed'] };
	/** The credential's Base URL; the simulator's own unless a test points it elsewhere. */
	baseUrl: string;
	beforeDelivery?: (body: Buffer, headers: Record<string, string>) => Promise<void>;
	/** The delivery log in memory is per (workflow, node): a new node id per test starts it empty. */
	nodeId = 'trigger-1';
	url = '';
	private server?: Server;

	constructor(private readonly sim: Simulator) {
		this.baseUrl = sim.url;
	}

	/** The trigger's own static data (n8n keeps it under `node:<name>`): where the delivery log lives. */
	get nodeStaticData(): IDataObject {
		return (this.staticData[`node:${NODE_NAME}`] as IDataObject | undefined) ?? {};
	}

	set nodeStaticData(value: IDataObject) {
		this.staticData = { [`node:${NODE_NAME}`]: value };
	}

	reset(): void {
		this.received.length = 0;
		this.staticData = {};
		this.parameters = { events: ['completed', 'failed'] };
		this.baseUrl = this.sim.url;
		this.beforeDelivery = undefined;
		this.nodeId = `trigger-${++nodeCounter}`;
	}

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const body = Buffer.concat(chunks);
				const headers = req.headers as Record<string, string>;
				void (this.beforeDelivery?.(body, headers) ?? Promise.resolve())
					.then(() => this.deliver(body, headers))
					.then((outcome) => {
						res.writeHead(outcome.status ?? 200, { 'content-type': 'application/json' });
						res.end(JSON.stringify(outcome.body ?? {}));
					});
			});
		});
		this.url = `${await listen(this.server)}/webhook/seedream`;
	}

	async deliver(body: Buffer, headers: Record<string, string>): Promise<Received> {
		const result = await runWebhook({
			nodeType: triggerNodeType,
			credentialTypes: [credentialType],
			credentials: { apiframeApi: { apiKey: this.sim.apiKey, baseUrl: this.baseUrl } },
			node: { id: this.nodeId, name: NODE_NAME, type: TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: this.parameters, webhookId: 'hook-1' },
			workflowStaticData: this.staticData,
			request: { method: 'POST', headers, body },
		});
		this.staticData = result.staticData;
		const outcome: Received = { status: result.responseStatus, body: result.responseBody, items: result.items?.[0], event: headers['x-webhook-event'] };
		this.received.push(outcome);
		return outcome;
	}

	/** A delivery signed with the simulator's key, as Apiframe would send it. */
	async deliverSigned(payload: unknown, eventHeader?: string): Promise<Received> {
		const text = JSON.stringify(payload);
		const headers: Record<string, string> = { 'content-type': 'application/json', 'x-webhook-signature': signWebhook(this.sim.apiKey, text) };
		if (eventHeader) headers['x-webhook-event'] = eventHeader;
		return await this.deliver(Buffer.from(text), headers);
	}

	async stop(): Promise<void> {
		await close(this.server);
	}
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A tiny HTTP server on 127.0.0.1 that counts the requests it gets (and which paths), answering
 * with `routes[path]` or 404. Tests use one as a trusted "CDN" (the Base URL origin) and another
 * as a target that must never be reached.
 */
export class LocalServer {
	readonly paths: string[] = [];
	url = '';
	routes: Record<string, Route> = {};
	private server?: Server;

	get requestCount(): number {
		return this.paths.length;
	}

	async start(): Promise<this> {
		this.server = createServer((req, res) => {
			this.paths.push(req.url ?? '');
			const route = this.routes[req.url ?? ''];
			if (route) route(req, res);
			else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
		});
		this.url = await listen(this.server);
		return this;
	}

	reset(): void {
		this.paths.length = 0;
		this.routes = {};
	}

	async stop(): Promise<void> {
		await close(this.server);
	}
}

/**
 * The suite's simulator (useSimulator) and a TriggerReceiver on it: started before the suite,
 * reset before each test, stopped after.
 */
export function useTriggerReceiver(): { sim: Simulator; receiver: TriggerReceiver } {
	const sim = useSimulator();
	let live: TriggerReceiver | undefined;
	beforeAll(async () => {
		live = new TriggerReceiver(sim);
		await live.start();
	});
	beforeEach(() => live?.reset());
	afterAll(async () => {
		await live?.stop();
	});
	return { sim, receiver: forwardTo(() => live, 'trigger receiver') };
}
