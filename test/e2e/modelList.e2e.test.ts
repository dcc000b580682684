/**
 * The Model dropdown where users meet it: a real n8n 2.41.1 runs the node's loadOptions method
 * `getSeedreamModels` through its own `POST /rest/dynamic-node-parameters/options` (what the
 * editor calls when it opens the field), with the Apiframe credential stored in n8n, against the
 * simulator's catalog and against a simulator whose catalog is down.
 */
import { startSimulator, type Simulator } from '../simulator';
import { BUILT_IN_MODEL_OPTIONS, SIMULATOR_CATALOG_OPTIONS } from '../support/modelOptions';
import { createInstance, destroyInstance, importCredentials, prepareN8n, rest, start, stopAll, type N8nInstance } from './n8n';

const CATALOG_CREDENTIAL = { id: 'apiframeModels01', name: 'Apiframe (catalog)' };
const DOWN_CREDENTIAL = { id: 'apiframeModels02', name: 'Apiframe (catalog down)' };

/** The body n8n's editor posts for a loadOptionsMethod (OptionsRequestDto in @n8n/api-types). */
function optionsRequest(credential: { id: string; name: string }) {
	return {
		nodeTypeAndVersion: { name: 'n8n-nodes-seedream.seedream', version: 1 },
		path: 'parameters.model',
		methodName: 'getSeedreamModels',
		currentNodeParameters: { resource: 'image', operation: 'generate', model: 'seedream-4.5', prompt: '' },
		credentials: { apiframeApi: credential },
	};
}

describe('the Model dropdown in a real n8n 2.41.1', () => {
	let sim: Simulator;
	let down: Simulator;
	let instance: N8nInstance;

	beforeAll(async () => {
		const paths = await prepareN8n();
		sim = await startSimulator({ host: '127.0.0.1', port: 0 });
		down = await startSimulator({ host: '127.0.0.1', port: 0, modelsCatalog: false });
		instance = await createInstance({ packageDir: process.cwd(), paths });
		await importCredentials(instance, [
			{ ...CATALOG_CREDENTIAL, type: 'apiframeApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } },
			{ ...DOWN_CREDENTIAL, type: 'apiframeApi', data: { apiKey: down.apiKey, baseUrl: down.url } },
		]);
		await start(instance);
	});
	afterAll(async () => {
		if (instance) await destroyInstance(instance);
		await stopAll();
		await sim?.close();
		await down?.close();
	});

	it("lists the catalog's six Seedream models with their credit costs, asked with the stored credential", async () => {
		const options = await rest(instance, 'POST', '/rest/dynamic-node-parameters/options', optionsRequest(CATALOG_CREDENTIAL));
		expect(options).toEqual(SIMULATOR_CATALOG_OPTIONS);
		const requests = sim.requests();
		expect(requests.map((r) => [r.method, r.path, r.query, r.status])).toEqual([['GET', '/v2/models', { modality: 'image' }, 200]]);
		// n8n decrypted the stored credential and applied its X-API-Key (masked in the simulator's log).
		expect(requests[0].headers['x-api-key']).toBe(`afk_…${sim.apiKey.slice(-4)}`);
	});

	it('falls back to the built-in list when the catalog answers 503, after one request', async () => {
		const options = await rest(instance, 'POST', '/rest/dynamic-node-parameters/options', optionsRequest(DOWN_CREDENTIAL));
		expect(options).toEqual(BUILT_IN_MODEL_OPTIONS);
		expect(down.requests().map((r) => [r.method, r.path, r.status])).toEqual([['GET', '/v2/models', 503]]);
	});
});
