import type { INodeProperties } from 'n8n-workflow';

import { explainApiAnswer } from '../../shared/routedAnswer';

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
				routing: {
					request: { method: 'GET', url: '/v2/me', ignoreHttpStatusErrors: true },
					output: { postReceive: [explainApiAnswer] },
				},
			},
		],
		default: 'get',
	},
];
