import type { INodeProperties } from 'n8n-workflow';

export const accountDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get the account',
				description: 'Get the credits, plan and limits of the Apiframe account (free)',
				routing: { request: { method: 'GET', url: '/v2/me' } },
			},
		],
		default: 'get',
	},
];
