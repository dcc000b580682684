import type { INodeProperties } from 'n8n-workflow';

import * as generate from './generate';

/** Generate is a custom operation: validation, submit, wait and download (see generate.ts). */
export const imageOperations = { generate: generate.execute };

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
			},
		],
		default: 'generate',
	},
	...generate.description,
];
