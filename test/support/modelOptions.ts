/**
 * What the Model field offers, exactly as a user sees it: from the simulator's catalog (its
 * Seedream entries, newest first, with its prices), or the node's built-in list when the catalog
 * cannot be read (only 4.5's price is published).
 */
export const SIMULATOR_CATALOG_OPTIONS = [
	{ name: 'Seedream 5 Pro', value: 'seedream-5-pro', description: 'Model ID seedream-5-pro, 6 credits per image' },
	{ name: 'Seedream 5 Lite', value: 'seedream-5-lite', description: 'Model ID seedream-5-lite, 3 credits per image' },
	{ name: 'Seedream 4.5 (default)', value: 'seedream-4.5', description: 'Model ID seedream-4.5, 4 credits per image' },
	{ name: 'Seedream 4', value: 'seedream-4', description: 'Model ID seedream-4, 3 credits per image' },
	{ name: 'Seedream 3.1', value: 'seedream-3.1', description: 'Model ID seedream-3.1, 2 credits per image' },
	{ name: 'Seedream 3', value: 'seedream-3', description: 'Model ID seedream-3, 2 credits per image' },
];

export const BUILT_IN_MODEL_OPTIONS = [
	{ name: 'Seedream 5 Pro', value: 'seedream-5-pro', description: 'Model ID seedream-5-pro' },
	{ name: 'Seedream 5 Lite', value: 'seedream-5-lite', description: 'Model ID seedream-5-lite' },
	{ name: 'Seedream 4.5 (default)', value: 'seedream-4.5', description: 'Model ID seedream-4.5, 4 credits per image' },
	{ name: 'Seedream 4', value: 'seedream-4', description: 'Model ID seedream-4' },
	{ name: 'Seedream 3.1', value: 'seedream-3.1', description: 'Model ID seedream-3.1' },
	{ name: 'Seedream 3', value: 'seedream-3', description: 'Model ID seedream-3' },
];
