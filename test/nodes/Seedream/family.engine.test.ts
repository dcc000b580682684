import type { IDataObject, IHttpRequestOptions, ILoadOptionsFunctions, INodeParameters } from 'n8n-workflow';

import { Seedream } from '../../../dist/nodes/Seedream/Seedream.node';
import type { Simulator } from '../../simulator';
import { startSimulator } from '../../simulator';
import { http, isOk } from '../../support/http';
import { imageSize } from '../../support/imageSize';
import { BUILT_IN_MODEL_OPTIONS, SIMULATOR_CATALOG_OPTIONS } from '../../support/modelOptions';
import { generateParameters, rows, runSeedream, submitsOf, TEST_IMAGE_SCALE, useSimulator } from '../../support/seedream';

const px = (n: number) => Math.max(1, Math.round(n * TEST_IMAGE_SCALE));

/**
 * A load-options context with just what getSeedreamModels uses: the credential, and an
 * authenticated request made for real against the simulator (the credential's header included).
 */
function loadOptionsContext(sim: Simulator): ILoadOptionsFunctions {
	const credentials = { apiKey: sim.apiKey, baseUrl: sim.url };
	// n8n-core turns these options into an axios request the same way: baseURL + url, qs as params,
	// and a non-2xx answer thrown ("Request failed with status code …").
	const httpRequestWithAuthentication = async (_type: string, request: IHttpRequestOptions) => {
		const response = await http.request({
			method: request.method ?? 'GET',
			baseURL: request.baseURL,
			url: request.url,
			params: request.qs as IDataObject | undefined,
			headers: { 'X-API-Key': credentials.apiKey },
			timeout: request.timeout,
			validateStatus: isOk,
		});
		return response.data;
	};
	return { getCredentials: async () => credentials, helpers: { httpRequestWithAuthentication } } as unknown as ILoadOptionsFunctions;
}

async function modelOptions(sim: Simulator) {
	return await new Seedream().methods.loadOptions.getSeedreamModels.call(loadOptionsContext(sim));
}

describe('the Seedream family through n8n', () => {
	const sim = useSimulator();

	// The node sends Size 2K and Aspect Ratio 1:1 unless told otherwise; the simulator's sizes for
	// the models other than 4.5 are in test/simulator/README.md.
	const models: Array<[string, INodeParameters, number, number, number]> = [
		['seedream-5-pro', {}, 2048, 2048, 6],
		['seedream-5-lite', { size: '1K' }, 1024, 1024, 3],
		['seedream-4.5', { aspectRatio: '16:9' }, 2560, 1440, 4],
		['seedream-4', { aspectRatio: '16:9' }, 2048, 1152, 3],
		['seedream-3.1', { size: '4K', aspectRatio: '3:4' }, 3072, 4096, 2],
		['seedream-3', {}, 2048, 2048, 2],
	];
	it.each(models)('Image → Generate with %s %j: a COMPLETED job, an image of %i×%i, its price', async (model, extra, width, height, credits) => {
		const result = await runSeedream({ sim, parameters: generateParameters({ model, ...extra }), items: rows([`a koi pond, ${model}`]) });
		const [item] = result.output('Seedream');
		expect(item.json).toMatchObject({ status: 'COMPLETED', model, creditCost: credits, prompt: `a koi pond, ${model}` });
		expect(imageSize(await result.binary(item))).toEqual({ format: 'jpg', width: px(width), height: px(height) });
		expect(submitsOf(sim)[0].body).toMatchObject({ model });
		expect(sim.credits(sim.apiKey)).toBe(100000 - credits);
	});

	it('5-pro accepts a 600×600 custom size (the v2 schema allows 512 px); 4.5 refuses it before any request', async () => {
		const custom = { size: 'custom', width: 600, height: 600 };
		const pro = await runSeedream({ sim, parameters: generateParameters({ model: 'seedream-5-pro', ...custom }), items: rows(['a small tile']) });
		const [item] = pro.output('Seedream');
		expect(item.json).toMatchObject({ status: 'COMPLETED', model: 'seedream-5-pro' });
		expect(imageSize(await pro.binary(item))).toEqual({ format: 'jpg', width: px(600), height: px(600) });
		expect(submitsOf(sim)[0].body).toMatchObject({ seedreamParams: { size: 'custom', width: 600, height: 600 } });

		sim.reset();
		const four5 = await runSeedream({
			sim,
			continueOnFail: true,
			parameters: generateParameters({ model: 'seedream-4.5', ...custom }),
			items: rows(['a small tile']),
		});
		expect(four5.output('Seedream')[0].json.error).toMatch(/Width must be a whole number of pixels from 1024 to 4096 when Size is Custom \(got 600\)/);
		expect(sim.requests().filter((r) => r.method === 'POST')).toHaveLength(0);
		expect(sim.jobs()).toHaveLength(0);
	});

	it('Options → Resolution reaches the simulator verbatim as seedreamParams.resolution, for 4.5 and the others', async () => {
		for (const model of ['seedream-4.5', 'seedream-4']) {
			sim.reset();
			const result = await runSeedream({
				sim,
				parameters: generateParameters({ model, options: { resolution: '2048x2048' } }),
				items: rows(['a map']),
			});
			expect(result.output('Seedream')[0].json.status).toBe('COMPLETED');
			expect((submitsOf(sim)[0].body as IDataObject).seedreamParams).toEqual({ aspect_ratio: '1:1', size: '2K', resolution: '2048x2048' });
			expect(sim.jobs()[0].params.resolution).toBe('2048x2048');
		}
	});

	it('Job → Get Many with scope and Job ID returns exactly that job, with the prompt it was made from', async () => {
		const made = await runSeedream({
			sim,
			parameters: generateParameters({ model: 'seedream-5-lite', waitForCompletion: false }),
			items: rows(['a glass of water', 'a glass of wine', 'a glass of milk']),
		});
		const jobId = String(made.output('Seedream')[1].json.jobId);
		const result = await runSeedream({
			sim,
			parameters: { resource: 'job', operation: 'getAll', returnAll: true, filters: { scope: 'user', search: jobId } },
		});
		const items = result.output('Seedream');
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			id: jobId,
			model: 'seedream-5-lite',
			input: { model: 'seedream-5-lite', prompt: 'a glass of wine', seedreamParams: { aspect_ratio: '1:1', size: '2K' } },
		});
		expect(sim.requests().filter((r) => r.path === '/v2/jobs').map((r) => r.query)).toEqual([{ limit: '100', scope: 'user', search: jobId }]);
	});

	it("Model's list: the simulator's catalog, Seedream entries only, with labels and credits", async () => {
		expect(await modelOptions(sim)).toEqual(SIMULATOR_CATALOG_OPTIONS);
		expect(sim.requests().map((r) => [r.path, r.query])).toEqual([['/v2/models', { modality: 'image' }]]);
	});

	it("Model's list: the built-in one when the catalog answers 503 (modelsCatalog: false)", async () => {
		const down = await startSimulator({ modelsCatalog: false });
		try {
			expect(await modelOptions(down)).toEqual(BUILT_IN_MODEL_OPTIONS);
			expect(down.requests().map((r) => [r.path, r.status])).toEqual([['/v2/models', 503]]);
		} finally {
			await down.close();
		}
	});

	it("Model's list: one 503 is enough to fall back, without a retry", async () => {
		sim.injectFaults({ kind: 503, count: 1, pathPrefix: '/v2/models' });
		expect(await modelOptions(sim)).toEqual(BUILT_IN_MODEL_OPTIONS);
		expect(sim.requests().filter((r) => r.path === '/v2/models')).toHaveLength(1);
	});
});
