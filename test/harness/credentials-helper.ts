/**
 * Credentials for the in-process engine: plain objects given by the test instead of encrypted
 * database rows, with the credential type's `authenticate` block applied the way the n8n server
 * applies it (the bare engine only calls `credentialsHelper.authenticate` and relies on the
 * server's helper to do the work).
 */
import { Credentials } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { ICredentialsHelper, UnexpectedError, Workflow, isExpression } from 'n8n-workflow';

import { HarnessNodeTypes } from './node-types';

export interface HarnessCredentials {
	[credentialType: string]: ICredentialDataDecryptedObject;
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	/** Data per credential type; preAuthentication results are written back here, as n8n would. */
	private readonly data: HarnessCredentials;

	constructor(
		credentialTypes: ICredentialType[],
		credentials: HarnessCredentials,
		/** true while testCredential runs: n8n always refreshes pre-auth tokens in a test */
		private readonly testing = false,
	) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
		this.data = Object.fromEntries(
			Object.entries(credentials).map(([type, value]) => [type, { ...value }]),
		);
	}

	private getType(typeName: string): ICredentialType {
		const type = this.types.get(typeName);
		if (type === undefined) {
			throw new UnexpectedError(
				`Unknown credential type "${typeName}" — pass it in credentialTypes (known: ${[...this.types.keys()].join(', ')})`,
			);
		}
		return type;
	}

	hasData(typeName: string): boolean {
		return this.data[typeName] !== undefined;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.data[typeName];
		if (stored === undefined) {
			throw new UnexpectedError(
				`No credential data for "${typeName}" (node credential "${nodeCredentials.name}") — pass it in credentials`,
			);
		}
		// Like the server's applyDefaultsAndOverwrites: fields the test leaves out take the
		// credential property's default (e.g. a base URL), so tests state only what matters.
		const result: ICredentialDataDecryptedObject = {};
		for (const property of this.getCredentialsProperties(typeName)) {
			if (property.type === 'notice') continue;
			if (property.default !== undefined && property.default !== null) {
				result[property.name] = property.default as ICredentialDataDecryptedObject[string];
			}
		}
		// A copy, so a node mutating what it got cannot change what the next item sees.
		return { ...result, ...stored };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incoming as IHttpRequestOptions;
		const { authenticate } = this.getType(typeName);
		if (authenticate === undefined) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate.type !== 'generic') return requestOptions;

		// Generic block: { headers|qs|body|auth: { key: value } }; keys and values may be
		// expressions over $credentials, resolved with the workflow's own expression engine
		// exactly as cli's CredentialsHelper.resolveValue does.
		const context = workflow && node ? { workflow, node } : this.detachedContext();
		const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
		for (const [section, entries] of Object.entries(authenticate.properties)) {
			const bucket = (target[section] ??= {});
			for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
				const resolvedKey = this.resolve(key, credentials, context);
				bucket[resolvedKey] = typeof value === 'string' ? this.resolve(value, credentials, context) : value;
			}
		}
		return requestOptions;
	}

	private resolve(
		value: string,
		credentials: ICredentialDataDecryptedObject,
		{ workflow, node }: { workflow: Workflow; node: INode },
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved === undefined || resolved === null ? '' : String(resolved);
	}

	/** A one-node workflow to evaluate expressions when a caller does not pass one. */
	private detachedContext(): { workflow: Workflow; node: INode } {
		const node: INode = {
			id: 'harness-auth',
			name: 'Harness auth',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new HarnessNodeTypes({}),
		});
		return { workflow, node };
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		// Same rule as the server: only types with a hidden `expirable` property pre-authenticate,
		// and only when that property is empty, the token expired (401) or in a credential test.
		const type = this.getType(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired && !this.testing) return undefined;

		const output = (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		this.data[typeName] = { ...this.data[typeName], ...output };
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.getType(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		return (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	getParentTypes(_name: string): string[] {
		return [];
	}

	isCredentialUsableByNode(_credentialType: string, _nodeType: string): boolean {
		return true;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, typeName: string) {
		const credentials = new Credentials(nodeCredentials, typeName);
		// Encrypts with the harness instance's key (InstanceSettings in the temp user folder).
		await credentials.setData(this.data[typeName] ?? {});
		return credentials;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		typeName: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[typeName] = { ...data };
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		typeName: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[typeName] = { ...this.data[typeName], ...data };
	}

	getCredentialsProperties(typeName: string): INodeProperties[] {
		return this.getType(typeName).properties;
	}
}
