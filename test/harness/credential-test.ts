/**
 * testCredential: what the editor's "Test" button does (cli's CredentialsTester for credential
 * types with a declarative `test` request), re-built on the same n8n-core pieces: the test
 * request becomes the routing of a throw-away declarative node, RoutingNode sends it with the
 * credential's `authenticate` applied, and HTTP failures map to {status:'Error', message}.
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';
import { Workflow, createRunExecutionData } from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import { ensureEnvironment } from './environment';
import { HarnessNodeTypes } from './node-types';

const TEST_NODE_TYPE = 'harness.credentialTest';

/** Reads a dotted path (`a.b.c`) the way lodash.get does for the `responseSuccessBody` rule. */
function getPath(value: unknown, path: string): unknown {
	let current = value;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

interface HttpErrorLike {
	message?: string;
	cause?: { code?: string; response?: { status?: number; statusText?: string } };
	httpCode?: string | null;
}

export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	await ensureEnvironment();
	const { test } = credentialType;
	if (test === undefined) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	const nodeType: INodeType = {
		description: {
			displayName: 'Credential test',
			name: TEST_NODE_TYPE,
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Temp-Node' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialType.name, required: true }],
			// One hidden-in-practice property whose routing is the test request: RoutingNode then
			// builds and sends exactly that request, expressions like {{$credentials.baseUrl}} included.
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: test.request } },
			],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: TEST_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType.name]: { id: 'harness-test', name: credentialType.name } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes({ [TEST_NODE_TYPE]: nodeType }),
	});
	const credentialsHelper = new HarnessCredentialsHelper(
		[credentialType],
		{ [credentialType.name]: data },
		true,
	);
	const additionalData = buildAdditionalData({
		credentialsHelper,
		executionId: 'credential-test',
		workflowId: 'credential-test',
	});
	// Defaults are filled in as for a workflow run (the server applies them before testing too).
	const decrypted = await credentialsHelper.getDecrypted(
		additionalData,
		{ id: 'harness-test', name: credentialType.name },
		credentialType.name,
	);

	const executeData: IExecuteData = { node, data: {}, source: null };
	const inputData = { main: [[{ json: {} }] as INodeExecutionData[]] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		inputData,
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, nodeType, {
		id: 'harness-test',
		name: credentialType.name,
		type: credentialType.name,
		data: decrypted,
	});

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught as HttpErrorLike;
		const httpResponse = error.cause?.response;
		if (httpResponse?.status !== undefined) {
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === httpResponse.status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (httpResponse.status < 200 || httpResponse.status > 299) {
				return {
					status: 'Error',
					message: httpResponse.statusText || `Received HTTP status code: ${httpResponse.status}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}

	for (const rule of test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		if (getPath(response?.[0]?.[0]?.json, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
