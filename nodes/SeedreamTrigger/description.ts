import type { INodeProperties } from 'n8n-workflow';

import { binaryPropertyOption, downloadImagesOption, itemsPerOption } from '../shared/outputDescriptions';

export const triggerDescriptionProperties: INodeProperties[] = [
	{
		displayName:
			'Paste this node\'s Production URL into the Seedream node: Image → Generate → Options → Webhook URL. Publish this workflow so the URL stays live.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: [
			{ name: 'Completed', value: 'completed', description: 'A job finished: its images arrive as files' },
			{ name: 'Failed', value: 'failed', description: "A job failed: one item with Apiframe's error" },
			{ name: 'Progress', value: 'progress', description: 'A job reported progress' },
		],
		default: ['completed', 'failed'],
		required: true,
	},
	{
		displayName: 'Verify Signature',
		name: 'verifySignature',
		type: 'boolean',
		default: true,
		description: "Whether to check each delivery's X-Webhook-Signature with the credential's API key and refuse others with 401",
	},
	{
		displayName:
			'Signature checks are off: anyone who learns this URL can start the workflow and make n8n download the URLs they send. Turn them back on unless a proxy in front of n8n checks them.',
		name: 'signatureWarning',
		type: 'notice',
		default: '',
		displayOptions: { show: { verifySignature: [false] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			binaryPropertyOption,
			downloadImagesOption,
			itemsPerOption,
			{
				displayName: 'Read Job From API',
				name: 'readJobFromApi',
				type: 'boolean',
				default: false,
				description: "Whether to fetch the job with the credential (by job ID) instead of trusting the delivery's URLs",
			},
		],
	},
];
