import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { ItemsPer, JobOutputOptions } from './jobOutput';

/** How the images of a job are handed on: the same fields in the Seedream node and the trigger. */
export const binaryPropertyOption: INodeProperties = {
	displayName: 'Binary Property',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	description: 'Name of the binary property the image is written to; further images of a job get _1, _2…',
};

export const downloadImagesOption: INodeProperties = {
	displayName: 'Download Images',
	name: 'download',
	type: 'boolean',
	default: true,
	description: 'Whether to download the result images into binary data (result URLs expire after about 24 hours). Off: return the URLs only.',
};

export const itemsPerOption: INodeProperties = {
	displayName: 'Output',
	name: 'itemsPer',
	type: 'options',
	options: [
		{ name: 'One Item per Job', value: 'job', description: 'All images of a job on one item' },
		{ name: 'One Item per Image', value: 'image', description: 'Each image on its own item' },
	],
	default: 'job',
};

export function readJobOutputOptions(raw: IDataObject, downloadDefault: boolean): JobOutputOptions {
	return {
		download: raw.download === undefined ? downloadDefault : raw.download === true,
		binaryPropertyName: String(raw.binaryPropertyName || 'data'),
		itemsPer: (raw.itemsPer as ItemsPer) ?? 'job',
	};
}
