/**
 * The Model field's list through n8n-core's own LoadOptionsContext (what the n8n server builds for
 * `POST /rest/dynamic-node-parameters/options`): the credential's authentication applied by the
 * engine, and a node with no credential picked yet, whose getCredentials really throws.
 */
import { LoadOptionsContext } from 'n8n-core';
import type { IHttpRequestOptions, INode, INodePropertyOptions } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { ApiframeApi } from '../../../dist/credentials/ApiframeApi.credentials';
import { Seedream } from '../../../dist/nodes/Seedream/Seedream.node';
import { cleanupHarness, HarnessCredentialsHelper, HarnessNodeTypes } from '../../harness';
import { buildAdditionalData } from '../../harness/additional-data';
import { ensureEnvironment } from '../../harness/environment';
import { startSimulator, type Simulator } from '../../simulator';
import { http } from '../../support/http';
import { BUILT_IN_MODEL_OPTIONS, SIMULATOR_CATALOG_OPTIONS } from '../../support/modelOptions';

const SEEDREAM_TYPE = 'n8n-nodes-seedream.seedream';

/** A load-options context for a Seedream node, with or without the Apiframe credential. */
function context(credential?: { apiKey: string; baseUrl: string }): LoadOptionsContext {
	const node: INode = {
		id: 'models-node',
		name: 'Seedream',
		type: SEEDREAM_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'image', operation: 'generate' },
		...(credential ? { credentials: { apiframeApi: { id: 'models-cred', name: 'Apiframe' } } } : {}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new HarnessNodeTypes({ [SEEDREAM_TYPE]: new Seedream() }) });
	const credentialsHelper = new HarnessCredentialsHelper([new ApiframeApi()], credential ? { apiframeApi: credential } : {});
	const additionalData = buildAdditionalData({ credentialsHelper, executionId: 'load-options', workflowId: 'load-options' });
	return new LoadOptionsContext(workflow, node, additionalData, 'parameters.model');
}

async function modelOptions(ctx: LoadOptionsContext): Promise<INodePropertyOptions[]> {
	return await new Seedream().methods.loadOptions.getSeedreamModels.call(ctx);
}

describe("the Model field's list in n8n-core's load-options context", () => {
	let sim: Simulator;
	beforeAll(async () => {
		await ensureEnvironment();
		sim = await startSimulator({ host: '127.0.0.1', port: 0 });
	});
	afterEach(() => {
		sim.reset();
		jest.restoreAllMocks();
	});
	afterAll(async () => {
		await sim?.close();
		await cleanupHarness();
	});

	it("with a credential: the catalog at the credential's Base URL, the key in X-API-Key", async () => {
		expect(await modelOptions(context({ apiKey: sim.apiKey, baseUrl: `${sim.url}/v2/` }))).toEqual(SIMULATOR_CATALOG_OPTIONS);
		const requests = sim.requests();
		expect(requests.map((r) => [r.method, r.path, r.query, r.status])).toEqual([['GET', '/v2/models', { modality: 'image' }, 200]]);
		expect(requests[0].headers['x-api-key']).toMatch(/^afk_…/);
	});

	it('with a credential whose catalog is down (503): the built-in list, after one request', async () => {
		const down = await startSimulator({ host: '127.0.0.1', port: 0, modelsCatalog: false });
		try {
			expect(await modelOptions(context({ apiKey: down.apiKey, baseUrl: down.url }))).toEqual(BUILT_IN_MODEL_OPTIONS);
			expect(down.requests().map((r) => [r.path, r.status])).toEqual([['/v2/models', 503]]);
		} finally {
			await down.close();
		}
	});

	it("without a credential: Apiframe's public catalog at the default Base URL, no key sent", async () => {
		const ctx = context();
		await expect(ctx.getCredentials('apiframeApi')).rejects.toThrow(); // what n8n does for a node with none
		// The one request that would leave the machine is answered here, with the simulator's catalog.
		const catalog = (await http.get(`${sim.url}/v2/models`, { params: { modality: 'image' } })).data;
		const httpRequest = jest.spyOn(ctx.helpers, 'httpRequest').mockResolvedValue(catalog);
		const withAuthentication = jest.spyOn(ctx.helpers, 'httpRequestWithAuthentication');
		expect(await modelOptions(ctx)).toEqual(SIMULATOR_CATALOG_OPTIONS);
		expect(withAuthentication).not.toHaveBeenCalled();
		expect(httpRequest).toHaveBeenCalledTimes(1);
		const request = httpRequest.mock.calls[0][0] as IHttpRequestOptions;
		expect(request).toEqual({ method: 'GET', baseURL: 'https://api.apiframe.ai', url: '/v2/models', qs: { modality: 'image' }, json: true, timeout: 10_000 });
	});

	it('without a credential, when Apiframe cannot be reached: the built-in list', async () => {
		const ctx = context();
		jest.spyOn(ctx.helpers, 'httpRequest').mockRejectedValue(new Error('getaddrinfo ENOTFOUND api.apiframe.ai'));
		expect(await modelOptions(ctx)).toEqual(BUILT_IN_MODEL_OPTIONS);
	});
});
