import type { IDataObject, IHttpRequestOptions, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { normalizeBaseUrl } from '../../shared/api';
import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, SEEDREAM_MODEL_ID, SEEDREAM_MODELS } from '../../shared/constants';

function creditsText(entry: IDataObject): string {
	const min = Number(entry.costMin);
	const max = Number(entry.costMax);
	if (!Number.isFinite(min) && !Number.isFinite(max)) return '';
	const cost = Number.isFinite(min) && Number.isFinite(max) && min !== max ? `${min}–${max}` : String(Number.isFinite(min) ? min : max);
	return `, ${cost} credit${cost === '1' ? '' : 's'} per image`;
}

/** The built-in list: what the node offers when `/v2/models` cannot be read. */
export function builtInModelOptions(): INodePropertyOptions[] {
	return SEEDREAM_MODELS.map((model) => ({
		name: model.id === SEEDREAM_MODEL_ID ? `${model.label} (default)` : model.label,
		value: model.id,
		description: `Model ID ${model.id}${model.credits ? `, ${model.credits} credits per image` : ''}`,
	}));
}

/** The Seedream entries of Apiframe's model catalog, with label and credit cost. */
export function modelOptionsFromCatalog(catalog: unknown): INodePropertyOptions[] {
	const models = ((catalog as IDataObject | undefined)?.models ?? []) as IDataObject[];
	const options = models
		.filter((entry) => typeof entry.id === 'string' && entry.id.startsWith('seedream-') && (entry.modality ?? 'image') === 'image')
		.map((entry) => ({
			name: `${String(entry.label || entry.id)}${entry.id === SEEDREAM_MODEL_ID ? ' (default)' : ''}`,
			value: String(entry.id),
			description: `Model ID ${String(entry.id)}${creditsText(entry)}`,
		}));
	return options.length ? options : builtInModelOptions();
}

function catalogRequest(baseUrl: string): IHttpRequestOptions {
	// No retries here: a dropdown should fall back to the built-in list at once.
	return { method: 'GET', baseURL: baseUrl, url: '/v2/models', qs: { modality: 'image' }, json: true, timeout: 10_000 };
}

/** Apiframe's own catalog, for when no credential is picked yet: it is public, so no key is sent. */
async function publicCatalog(this: ILoadOptionsFunctions): Promise<unknown> {
	return await this.helpers.httpRequest(catalogRequest(DEFAULT_BASE_URL));
}

/**
 * Model field options from `GET /v2/models?modality=image`, the built-in list when it fails.
 * With a credential it is asked at the credential's Base URL (proxies and the simulator answer);
 * without one (the editor shows the field before a credential is picked) at Apiframe itself.
 */
export async function getSeedreamModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE).catch(() => undefined);
	try {
		const catalog = credentials
			? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, catalogRequest(normalizeBaseUrl(credentials.baseUrl)))
			: await publicCatalog.call(this);
		return modelOptionsFromCatalog(catalog);
	} catch {
		return builtInModelOptions();
	}
}
