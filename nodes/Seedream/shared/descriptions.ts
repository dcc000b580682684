import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { JOB_ID_PATTERN, JOB_ID_RULE, JOB_ID_SHOWN_MAX_CHARS, WAIT_TIMEOUT_DEFAULT_MINUTES } from '../../shared/constants';
import type { JobOutputOptions } from '../../shared/jobOutput';
import { binaryPropertyOption, downloadImagesOption, itemsPerOption, readJobOutputOptions } from '../../shared/outputDescriptions';

type Show = NonNullable<IDisplayOptions['show']>;

/** The output settings shared by Image → Generate, Job → Wait and Job → Get. */
export function outputOptionsDescription(opts: {
	show: Show;
	downloadDefault: boolean;
	withTimeout: boolean;
	/** Only where the node submits jobs (Image → Generate): Job → Wait submits none. */
	withMaxRunningJobs?: boolean;
}): INodeProperties {
	const options: INodeProperties[] = [
		binaryPropertyOption,
		{ ...downloadImagesOption, default: opts.downloadDefault },
		itemsPerOption,
	];
	if (opts.withMaxRunningJobs) {
		options.push({
			displayName: 'Max Running Jobs',
			name: 'maxRunningJobs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'How many jobs this node keeps running on the account at once; the others wait their turn. 0 uses the limit of your Apiframe plan.',
		});
	}
	if (opts.withTimeout) {
		options.push({
			displayName: 'Timeout (Minutes)',
			name: 'timeoutMinutes',
			type: 'number',
			typeOptions: { minValue: 0.1 },
			default: WAIT_TIMEOUT_DEFAULT_MINUTES,
			description: 'How long to wait for a job before giving up on the item; the job keeps running and can be collected with Job → Wait',
		});
	}
	options.sort((a, b) => a.displayName.localeCompare(b.displayName));
	return {
		displayName: 'Output Options',
		name: 'outputOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: opts.show },
		options,
	};
}

export interface ReadOutputOptions extends JobOutputOptions {
	/** As the user set it; the job runner puts it on its clock. */
	timeoutMs: number;
	maxRunningJobs: number;
}

export function readOutputOptions(ctx: IExecuteFunctions, itemIndex: number, downloadDefault: boolean): ReadOutputOptions {
	const raw = ctx.getNodeParameter('outputOptions', itemIndex, {}) as IDataObject;
	const timeoutMinutes = Number(raw.timeoutMinutes ?? WAIT_TIMEOUT_DEFAULT_MINUTES);
	return {
		...readJobOutputOptions(raw, downloadDefault),
		timeoutMs: Math.max(0.1, timeoutMinutes) * 60_000,
		maxRunningJobs: Number(raw.maxRunningJobs ?? 0),
	};
}

export const jobIdField = (show: Show): INodeProperties => ({
	displayName: 'Job ID',
	name: 'jobId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'b2c3d4e5-f6a7-8901-bcde-f23456789012',
	description: 'The jobId returned by Image → Generate (or received by the Seedream Trigger)',
	displayOptions: { show },
});

/**
 * The Job ID field's value, trimmed. It goes into the request path, so anything but a job id
 * (`..`, `../me`, `.`) fails the row before anything is sent, by the trigger's own rule.
 */
export function readJobId(ctx: IExecuteFunctions, itemIndex: number): string {
	const jobId = String(ctx.getNodeParameter('jobId', itemIndex, '') ?? '').trim();
	const description = 'Map the jobId of Image → Generate (or of the Seedream Trigger), e.g. {{ $json.jobId }}.';
	if (!jobId) throw new NodeOperationError(ctx.getNode(), 'Invalid parameter: Job ID must not be empty', { itemIndex, description });
	if (!JOB_ID_PATTERN.test(jobId)) {
		const shown = jobId.length > JOB_ID_SHOWN_MAX_CHARS ? `${jobId.slice(0, JOB_ID_SHOWN_MAX_CHARS)}…` : jobId;
		throw new NodeOperationError(ctx.getNode(), `Invalid parameter: Job ID must be ${JOB_ID_RULE} (got ${JSON.stringify(shown)})`, { itemIndex, description });
	}
	return jobId;
}
