import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { baseUrlRefusal, normalizeBaseUrl } from '../nodes/shared/api';
import { BASE_URL_EXPRESSION, DEFAULT_BASE_URL } from '../nodes/shared/constants';

export class ApiframeApi implements ICredentialType {
	name = 'apiframeApi';

	displayName = 'Apiframe API';

	icon: Icon = { light: 'file:apiframe.svg', dark: 'file:apiframe.dark.svg' };

	documentationUrl = 'https://docs.apiframe.ai/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'afk_…',
			description: 'Your Apiframe API key, from the API Keys page of the Apiframe dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Change only to use a proxy or the local Apiframe simulator (e.g. http://127.0.0.1:8787). A trailing /v2 is fine. Plain http is refused except for local-network hosts, so the key never crosses the internet unencrypted.',
		},
	];

	/**
	 * Every request that carries the key comes through here (routed operations, the credential
	 * test, the model list), so this is where a Base URL the key must not go to is refused, before
	 * anything is sent. A generic block would send the key to any Base URL.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const refusal = baseUrlRefusal(normalizeBaseUrl(credentials.baseUrl));
		if (refusal) throw new UserError(refusal);
		return { ...requestOptions, headers: { ...requestOptions.headers, 'X-API-Key': String(credentials.apiKey ?? '') } };
	}

	// GET /v2/me is free and needs a valid key; /v2/models would pass with any key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: BASE_URL_EXPRESSION,
			url: '/v2/me',
			method: 'GET',
		},
	};
}
