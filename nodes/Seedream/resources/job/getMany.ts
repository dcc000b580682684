import type { INodeProperties } from 'n8n-workflow';

import { SEEDREAM_MODEL_ID } from '../../../shared/constants';

const showOnlyForGetMany = { resource: ['job'], operation: ['getAll'] };

export const jobGetManyDescription: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: showOnlyForGetMany },
		routing: { send: { paginate: '={{ $value }}' } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...showOnlyForGetMany, returnAll: [false] } },
		routing: { send: { type: 'query', property: 'limit' }, output: { maxResults: '={{ $value }}' } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: showOnlyForGetMany },
		options: [
			{
				displayName: 'Model',
				name: 'model',
				type: 'string',
				default: SEEDREAM_MODEL_ID,
				description: 'Only jobs of this model',
				routing: { send: { type: 'query', property: 'model' } },
			},
			{
				displayName: 'Job ID',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'b2c3d4e5-f6a7-8901-bcde-f23456789012',
				description: 'Only the job with this ID (Apiframe searches by job ID)',
				routing: { send: { type: 'query', property: 'search' } },
			},
			{
				displayName: 'Scope',
				name: 'scope',
				type: 'options',
				options: [
					{ name: 'My Jobs', value: 'user', description: 'Jobs made with your own API keys' },
					{ name: "The Team's Jobs", value: 'team', description: 'Every job of the team (needs an admin key)' },
				],
				default: 'user',
				routing: { send: { type: 'query', property: 'scope' } },
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Cancelled', value: 'CANCELLED' },
					{ name: 'Completed', value: 'COMPLETED' },
					{ name: 'Failed', value: 'FAILED' },
					{ name: 'Processing', value: 'PROCESSING' },
					{ name: 'Queued', value: 'QUEUED' },
				],
				default: 'COMPLETED',
				routing: { send: { type: 'query', property: 'status' } },
			},
		],
	},
];
