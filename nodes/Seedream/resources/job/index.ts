import type { INodeProperties } from 'n8n-workflow';

import { explainApiAnswer } from '../../shared/routedAnswer';
import * as get from './get';
import { jobGetManyDescription } from './getMany';
import * as wait from './wait';

/** Get and Wait are custom operations (they download and wait); Get Many is one routed request. */
export const jobOperations = { get: get.execute, wait: wait.execute };

export const jobDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['job'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a job',
				description: 'Get the status and result of a job, optionally with its images',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many jobs',
				description: 'List the jobs of the account (or the team), newest first, each with the prompt and parameters it was made from',
				routing: {
					request: { method: 'GET', url: '/v2/jobs', qs: { limit: 100 }, ignoreHttpStatusErrors: true },
					operations: {
						pagination: {
							type: 'generic',
							properties: {
								continue: '={{ !!$response.body.hasMore && !!$response.body.nextCursor }}',
								// This replaces the whole query string, so the filters are carried over.
								request: {
									qs: {
										cursor: '={{ $response.body?.nextCursor }}',
										limit: '={{ $request.qs.limit }}',
										model: '={{ $request.qs.model }}',
										scope: '={{ $request.qs.scope }}',
										search: '={{ $request.qs.search }}',
										status: '={{ $request.qs.status }}',
									},
								},
							},
						},
					},
					output: { postReceive: [explainApiAnswer, { type: 'rootProperty', properties: { property: 'jobs' } }] },
				},
			},
			{
				name: 'Wait',
				value: 'wait',
				action: 'Wait for a job',
				description: 'Wait until a job submitted earlier has finished, then return its images',
			},
		],
		default: 'get',
	},
	...get.description,
	...jobGetManyDescription,
	...wait.description,
];
