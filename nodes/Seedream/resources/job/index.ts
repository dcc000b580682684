import type { INodeProperties } from 'n8n-workflow';

import { jobGetOperation, jobWaitOperation } from '../../actions/collectJob';
import { keepFullResponse } from '../../actions/routedRequest';
import { jobGetDescription } from './get';
import { jobGetManyDescription } from './getMany';
import { jobWaitDescription } from './wait';

/** Get and Wait read one job; their behaviour wraps the routed request (see actions/collectJob). */
const readJob = (behaviour: typeof jobGetOperation) => ({
	request: { method: 'GET' as const, url: '=/v2/jobs/{{ encodeURIComponent($parameter.jobId.trim()) }}', ignoreHttpStatusErrors: true },
	send: { paginate: true },
	operations: { pagination: behaviour },
	output: { postReceive: [keepFullResponse] },
});

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
				routing: readJob(jobGetOperation),
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many jobs',
				description: 'List the jobs of the account, newest first',
				routing: {
					request: { method: 'GET', url: '/v2/jobs', qs: { limit: 100 } },
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
										status: '={{ $request.qs.status }}',
									},
								},
							},
						},
					},
					output: { postReceive: [{ type: 'rootProperty', properties: { property: 'jobs' } }] },
				},
			},
			{
				name: 'Wait',
				value: 'wait',
				action: 'Wait for a job',
				description: 'Wait until a job submitted earlier has finished, then return its images',
				routing: readJob(jobWaitOperation),
			},
		],
		default: 'get',
	},
	...jobGetDescription,
	...jobGetManyDescription,
	...jobWaitDescription,
];
