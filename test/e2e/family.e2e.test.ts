/**
 * The whole Seedream family where users meet it: one workflow in a real n8n 2.41.1 sends a row
 * to each of the six models Apiframe serves with seedreamParams (the model mapped from the row,
 * as a spreadsheet column would), against the simulator, and gets each model's image back.
 */
import { SEEDREAM_MODELS } from '../../dist/nodes/shared/constants';
import { startSimulator, type Simulator } from '../simulator';
import { createInstance, destroyInstance, execute, importCredentials, importWorkflow, prepareN8n, stopAll, type N8nInstance } from './n8n';
import { download } from '../support/http';
import { imageSize } from '../support/imageSize';

const CREDENTIAL = { id: 'apiframeFamily01', name: 'Apiframe (family e2e)' };
const MODELS = SEEDREAM_MODELS.map((model) => model.id);

function familyWorkflow() {
	const rows = MODELS.map((model, index) => ({ model, prompt: `a paper crane, model row ${index + 1}` }));
	return {
		id: 'seedreamFamilyE2e1',
		name: 'e2e: every Seedream model',
		nodes: [
			{ id: 'family-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'family-rows',
				name: 'Rows',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows }), options: {} },
			},
			{ id: 'family-split', name: 'Split Rows', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
			{
				id: 'family-seedream',
				name: 'Seedream',
				type: 'n8n-nodes-seedream.seedream',
				typeVersion: 1,
				position: [600, 0],
				parameters: { resource: 'image', operation: 'generate', model: '={{ $json.model }}', prompt: '={{ $json.prompt }}', options: { outputFormat: 'png' } },
				credentials: { apiframeApi: CREDENTIAL },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Split Rows', type: 'main', index: 0 }]] },
			'Split Rows': { main: [[{ node: 'Seedream', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

describe('every Seedream model in a real n8n 2.41.1', () => {
	let sim: Simulator;
	let instance: N8nInstance;

	beforeAll(async () => {
		const paths = await prepareN8n();
		sim = await startSimulator({ host: '127.0.0.1', port: 0, timeScale: 0.1, imageScale: 1 / 16 });
		instance = await createInstance({ packageDir: process.cwd(), paths });
		await importCredentials(instance, [{ ...CREDENTIAL, type: 'apiframeApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } }]);
		await importWorkflow(instance, familyWorkflow());
	});
	afterAll(async () => {
		if (instance) await destroyInstance(instance);
		await stopAll();
		await sim?.close();
	});

	it('one row per model: six jobs, each of its model, each with its image file', async () => {
		const result = await execute(instance, 'seedreamFamilyE2e1');
		expect(result.json?.data?.resultData?.error).toBeUndefined();
		const items: any[] = result.json?.data?.resultData?.runData?.Seedream?.[0]?.data?.main?.[0] ?? [];
		expect(items.map((item) => [item.json.model, item.json.status])).toEqual(MODELS.map((model) => [model, 'COMPLETED']));
		expect(items.every((item) => item.binary?.data?.mimeType === 'image/png')).toBe(true);
		expect(sim.jobs().map((job) => job.model).sort()).toEqual([...MODELS].sort());
		// Each model's own image, at its own default size (the simulator renders per model).
		for (const job of sim.jobs()) {
			const { bytes: file } = await download(job.result!.images[0]);
			expect(imageSize(file)).toMatchObject({ format: 'png', width: job.width, height: job.height });
		}
		expect(sim.credits(sim.apiKey)).toBe(100000 - sim.jobs().reduce((sum, job) => sum + job.chargedCredits, 0));
	});
});
