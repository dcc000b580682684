import type { INodeProperties } from 'n8n-workflow';

import { generateImage } from '../../actions/generate';
import { keepFullResponse } from '../../actions/routedRequest';
import { imageGenerateDescription } from './generate';

export const imageDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate an image',
				description: 'Create an image from a prompt (and reference images), wait for it and return the file',
				routing: {
					request: { method: 'POST', url: '/v2/images/generate', ignoreHttpStatusErrors: true },
					send: { paginate: true },
					operations: { pagination: generateImage },
					output: { postReceive: [keepFullResponse] },
				},
			},
		],
		default: 'generate',
	},
	...imageGenerateDescription,
];
