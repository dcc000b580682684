import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { accountDescription } from './resources/account';
import { imageDescription } from './resources/image';
import { jobDescription } from './resources/job';

export class Seedream implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedream',
		name: 'seedream',
		icon: { light: 'file:seedream.svg', dark: 'file:seedream.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Generate images with ByteDance Seedream 4.5 through Apiframe',
		defaults: { name: 'Seedream' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'apiframeApi', required: true }],
		requestDefaults: {
			baseURL: '={{($credentials.baseUrl || "https://api.apiframe.ai").replace(/\\/+$/, "")}}',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Image', value: 'image' },
					{ name: 'Job', value: 'job' },
					{ name: 'Account', value: 'account' },
				],
				default: 'image',
			},
			...imageDescription,
			...jobDescription,
			...accountDescription,
		],
	};
}
