import type { INodeProperties } from 'n8n-workflow';

import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENTS } from '../shared/constants';
import { binaryPropertyOption, downloadImagesOption, itemsPerOption } from '../shared/outputDescriptions';

/** What each event does to this workflow (the labels are the Seedream node's). */
const EVENT_DESCRIPTIONS: Record<(typeof WEBHOOK_EVENTS)[number], string> = {
	completed: 'A job finished: its images arrive as files',
	failed: "A job failed: one item with Apiframe's error",
	progress: 'A job reported progress',
};

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
		options: WEBHOOK_EVENTS.map((value) => ({ value, name: WEBHOOK_EVENT_LABELS[value].name, description: EVENT_DESCRIPTIONS[value] })).sort((a, b) =>
			a.name.localeCompare(b.name),
		),
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
			'Signature checks are off: anyone who learns this URL can start the workflow with made-up jobs (images are still fetched only from trusted origins). Turn them back on unless a proxy in front of n8n checks them.',
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
				description:
					"Whether to fetch the job with the credential (by job ID) instead of trusting the delivery's URLs. If that read fails, the workflow starts with the job ID and readFromApiError, and nothing is downloaded.",
			},
			{
				displayName: 'Trusted Image Origins',
				name: 'trustedImageOrigins',
				type: 'string',
				default: '',
				placeholder: 'https://images.example.com, https://*.example-cdn.com',
				description:
					"More origins image URLs may be downloaded from, comma-separated (scheme, host and port; https://*.domain for its subdomains). Apiframe's CDN (https://*.apiframe.ai) and the credential's Base URL origin are always trusted; private, loopback and link-local addresses never are, except that Base URL.",
			},
		],
	},
];
