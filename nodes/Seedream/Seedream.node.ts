import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { BASE_URL_EXPRESSION, REQUEST_TIMEOUT_MS } from '../shared/constants';
import { getSeedreamModels } from './actions/models';
import { accountDescription } from './resources/account';
import { imageDescription, imageOperations } from './resources/image';
import { jobDescription, jobOperations } from './resources/job';

type Execute = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

export class Seedream implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedream',
		name: 'seedream',
		icon: { light: 'file:seedream.svg', dark: 'file:seedream.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Generate images with ByteDance Seedream (4.5, 5 and the rest of the family) through Apiframe',
		defaults: { name: 'Seedream' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'apiframeApi', required: true }],
		requestDefaults: {
			baseURL: BASE_URL_EXPRESSION,
			timeout: REQUEST_TIMEOUT_MS,
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

	methods = { loadOptions: { getSeedreamModels } };

	/** The operations declarative routing cannot express: waiting, downloading, batch-wide validation. */
	customOperations: Record<string, Record<string, Execute>> = {
		image: imageOperations,
		job: jobOperations,
	};

	/**
	 * n8n 2.41 gives a declarative node an `execute` that runs the routing engine, and an AI Agent
	 * calls that `execute` directly, past customOperations (a workflow run looks them up first).
	 * This keeps n8n's routing for routed operations and hands a custom one to its function, so the
	 * node used as a tool generates, waits and returns the image like the node in a workflow.
	 */
	private routedExecute?: Execute;

	get execute(): Execute | undefined {
		const routed = this.routedExecute;
		if (!routed) return undefined;
		const customOperations = this.customOperations;
		return async function (this: IExecuteFunctions) {
			const resource = this.getNodeParameter('resource', 0) as string;
			const operation = this.getNodeParameter('operation', 0) as string;
			const custom = customOperations[resource]?.[operation];
			return await (custom ?? routed).call(this);
		};
	}

	set execute(routed: Execute | undefined) {
		this.routedExecute = routed;
	}
}
