import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { getAccount } from '../shared/api';
import { isValidWebhookSignature } from '../shared/signature';
import { deliveryKey, isDuplicateDelivery } from './deliveryLog';
import { triggerDescriptionProperties } from './description';
import { itemsForDelivery, readTriggerOptions } from './deliveryItems';
import { parseWebhookPayload } from './webhookPayload';

function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/** Without the raw bytes, the parsed body again; a body too deep for JSON.stringify is refused. */
function serializedBody(ctx: IWebhookFunctions): Buffer | undefined {
	try {
		return Buffer.from(JSON.stringify(ctx.getBodyData() ?? {}));
	} catch {
		return undefined;
	}
}

export class SeedreamTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedream Trigger',
		name: 'seedreamTrigger',
		icon: { light: 'file:seedreamTrigger.svg', dark: 'file:seedreamTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"On " + $parameter["events"].join(", ")}}',
		description: 'Starts the workflow when an Apiframe Seedream job finishes, with its images as files',
		defaults: { name: 'Seedream Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'apiframeApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'seedream' }],
		properties: triggerDescriptionProperties,
	};

	// Apiframe takes the webhook URL with each job, so there is nothing to register remotely:
	// these only keep the URL in static data for the user to see.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				return staticData.webhookUrl === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				this.getWorkflowStaticData('node').webhookUrl = this.getNodeWebhookUrl('default');
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				delete this.getWorkflowStaticData('node').webhookUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const rawBody: Buffer | undefined = (request as unknown as { rawBody?: Buffer }).rawBody;
		const options = readTriggerOptions(this);
		if (options.verifySignature) {
			const { apiKey } = await getAccount(this, { sendsKey: false });
			const signature = this.getHeaderData()['x-webhook-signature'];
			if (!rawBody || !isValidWebhookSignature(apiKey, rawBody, signature)) {
				return answer(this, 401, { error: 'Missing or invalid X-Webhook-Signature' });
			}
		}
		// n8n has parsed JSON before we run (malformed JSON never gets here: n8n answers 422).
		const body = rawBody ?? serializedBody(this);
		if (!body) return answer(this, 400, { error: 'Body nests too deep to read' });
		// Event, job id and status are read from the (signed) body; the header may only agree.
		const payload = parseWebhookPayload(body, this.getHeaderData()['x-webhook-event'], {
			signatureVerified: options.verifySignature,
		});
		if (!payload.ok) {
			return answer(this, payload.status, payload.status < 300 ? { received: true, ignored: payload.reason } : { error: payload.reason });
		}
		if (!options.events.includes(payload.event)) {
			return answer(this, 200, { received: true, ignored: `event "${payload.event}" is not selected in the trigger` });
		}
		const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
		const key = deliveryKey(payload.job.jobId, payload.event, payload.job.progress);
		if (isDuplicateDelivery(this.getWorkflowStaticData('node'), scope, key)) {
			return answer(this, 200, { received: true, duplicate: true });
		}
		// Answer at once, then download: a slow CDN must not make Apiframe retry the delivery.
		answer(this, 200, { received: true });
		const items: INodeExecutionData[] = await itemsForDelivery(this, payload.event, payload.job, options);
		return { noWebhookResponse: true, workflowData: [items] };
	}
}
