/**
 * Tiny node and credential types for the harness's own tests: just enough declarative routing,
 * authentication and webhook handling to prove the harness wires n8n-core up like a server.
 */
import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

export class EchoApi implements ICredentialType {
	name = 'echoApi';
	displayName = 'Echo API';
	properties: INodeProperties[] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:1' },
	];
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-Api-Key': '={{$credentials.apiKey}}' } },
	};
	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me' },
	};
}

/** postReceive: keep the echoed JSON and store it as a binary file, as our node does with images. */
async function toBinary(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	_response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const executionId = this.getExecutionId();
	return await Promise.all(
		items.map(async (item) => ({
			json: { ...item.json, executionId },
			binary: {
				data: await this.helpers.prepareBinaryData(
					Buffer.from(JSON.stringify(item.json)),
					'echo.json',
					'application/json',
				),
			},
		})),
	);
}

export const ECHO_NODE_TYPE = 'harness-test.echo';

export class Echo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Echo',
		name: 'echo',
		group: ['transform'],
		version: 1,
		description: 'Declarative test node',
		defaults: { name: 'Echo' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'echoApi', required: true }],
		requestDefaults: { baseURL: '={{$credentials.baseUrl}}', headers: { Accept: 'application/json' } },
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'get',
				options: [
					{
						name: 'Get',
						value: 'get',
						routing: {
							request: { method: 'GET', url: '/echo' },
							output: { postReceive: [toBinary] },
						},
					},
					{
						name: 'Slow',
						value: 'slow',
						routing: { request: { method: 'GET', url: '/slow' } },
					},
				],
			},
			{
				displayName: 'Tag',
				name: 'tag',
				type: 'string',
				default: '',
				routing: { send: { type: 'query', property: 'tag' } },
			},
		],
	};
}

export const ECHO_TRIGGER_TYPE = 'harness-test.echoTrigger';

/** Webhook trigger: checks a shared secret, counts calls in static data, stores the body. */
export class EchoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Echo Trigger',
		name: 'echoTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Webhook test trigger',
		defaults: { name: 'Echo Trigger' },
		inputs: [],
		outputs: ['main'],
		credentials: [{ name: 'echoApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials<{ apiKey: string; baseUrl: string }>('echoApi');
		const headers = this.getHeaderData();
		if (headers['x-signature'] !== credentials.apiKey) {
			this.getResponseObject().status(401).send('bad signature');
			return { noWebhookResponse: true };
		}
		const staticData = this.getWorkflowStaticData('node');
		staticData.calls = ((staticData.calls as number | undefined) ?? 0) + 1;

		const request = this.getRequestObject() as unknown as { rawBody: Buffer };
		const options: IHttpRequestOptions = { url: `${credentials.baseUrl}/echo`, qs: { tag: 'from-webhook' }, json: true };
		const echoed = (await this.helpers.httpRequest(options)) as IDataObject;
		const binary = await this.helpers.prepareBinaryData(request.rawBody, 'body.bin');
		return {
			workflowData: [[{ json: { body: this.getBodyData(), echoed }, binary: { data: binary } }]],
		};
	}
}

export const WAIT_NODE_TYPE = 'harness-test.waitForCancel';

/** Programmatic node that waits until the execution is cancelled (proves the signal arrives). */
export class WaitForCancel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wait for cancel',
		name: 'waitForCancel',
		group: ['transform'],
		version: 1,
		description: 'Resolves when the execution is cancelled',
		defaults: { name: 'Wait' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const signal = this.getExecutionCancelSignal();
		if (signal === undefined) throw new Error('no cancel signal');
		await new Promise<void>((resolve) => {
			if (signal.aborted) resolve();
			signal.addEventListener('abort', () => resolve(), { once: true });
		});
		return [[{ json: { sawAbort: signal.aborted } }]];
	}
}
