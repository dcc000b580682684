import { builtInModelOptions, modelOptionsFromCatalog } from '../../../nodes/Seedream/actions/models';

describe("the Model field's list", () => {
	it("shows Apiframe's Seedream models with label and credit cost, and nothing else of the catalog", () => {
		const catalog = {
			models: [
				{ id: 'seedream-5-pro', label: 'Seedream 5 Pro', modality: 'image', costMin: 6, costMax: 6, pricingMode: 'per-output' },
				{ id: 'seedream-4.5', label: 'Seedream 4.5', modality: 'image', costMin: 4, costMax: 4 },
				{ id: 'seedream-3', label: 'Seedream 3', modality: 'image', costMin: 2, costMax: 3 },
				{ id: 'flux-pro', label: 'FLUX Pro', modality: 'image', costMin: 5 },
				{ id: 'seedance-1', label: 'Seedance', modality: 'video' },
			],
		};
		expect(modelOptionsFromCatalog(catalog)).toEqual([
			{ name: 'Seedream 5 Pro', value: 'seedream-5-pro', description: 'Model ID seedream-5-pro, 6 credits per image' },
			{ name: 'Seedream 4.5 (default)', value: 'seedream-4.5', description: 'Model ID seedream-4.5, 4 credits per image' },
			{ name: 'Seedream 3', value: 'seedream-3', description: 'Model ID seedream-3, 2–3 credits per image' },
		]);
	});

	it('falls back to the built-in family when the catalog has no Seedream entry', () => {
		expect(modelOptionsFromCatalog({ models: [] })).toEqual(builtInModelOptions());
		expect(builtInModelOptions().map((option) => option.value)).toEqual([
			'seedream-5-pro',
			'seedream-5-lite',
			'seedream-4.5',
			'seedream-4',
			'seedream-3.1',
			'seedream-3',
		]);
		expect(builtInModelOptions()[2]).toEqual({ name: 'Seedream 4.5 (default)', value: 'seedream-4.5', description: 'Model ID seedream-4.5, 4 credits per image' });
	});
});
