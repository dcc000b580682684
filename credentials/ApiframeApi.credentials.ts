import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
			description: 'Change only to use a proxy or the local Apiframe simulator (e.g. http://127.0.0.1:8787). A trailing /v2 is fine.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// GET /v2/me is free and needs a valid key; /v2/models would pass with any key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: BASE_URL_EXPRESSION,
			url: '/v2/me',
			method: 'GET',
		},
	};
}
