/**
 * The `IWorkflowExecuteAdditionalData` bag the n8n server normally builds per execution
 * (cli's WorkflowExecuteAdditionalData.getBase). Only what a single-workflow, no-database run
 * touches is real; server-only features throw so a node that needs them fails loudly.
 */
import type { ExecutionLifecycleHooks } from 'n8n-core';
import type { ICredentialsHelper, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

/** Base URL reported to nodes that ask for their webhook URL (`getNodeWebhookUrl`). */
export const HARNESS_BASE_URL = 'http://127.0.0.1:5678/';

function unsupported(what: string): () => never {
	return () => {
		throw new UnexpectedError(`${what} is not available in the in-process test harness`);
	};
}

export function buildAdditionalData(options: {
	credentialsHelper: ICredentialsHelper;
	executionId: string;
	hooks?: ExecutionLifecycleHooks;
	workflowId: string;
}): IWorkflowExecuteAdditionalData {
	const additionalData: Partial<IWorkflowExecuteAdditionalData> = {
		credentialsHelper: options.credentialsHelper,
		hooks: options.hooks,
		executionId: options.executionId,
		workflowId: options.workflowId,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${HARNESS_BASE_URL}rest`,
		instanceBaseUrl: HARNESS_BASE_URL,
		formBaseUrl: `${HARNESS_BASE_URL}form`,
		formWaitingBaseUrl: `${HARNESS_BASE_URL}form-waiting`,
		formTestBaseUrl: `${HARNESS_BASE_URL}form-test`,
		webhookBaseUrl: `${HARNESS_BASE_URL}webhook`,
		webhookWaitingBaseUrl: `${HARNESS_BASE_URL}webhook-waiting`,
		webhookTestBaseUrl: `${HARNESS_BASE_URL}webhook-test`,
		mcpBaseUrl: `${HARNESS_BASE_URL}mcp`,
		mcpTestBaseUrl: `${HARNESS_BASE_URL}mcp-test`,
		logAiEvent: () => undefined,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: unsupported('Executing sub-workflows'),
		startRunnerTask: unsupported('The task runner (Code node)'),
	};
	// The interface lists many more server-side members (external secrets, data tables, …);
	// n8n-core reads them optionally, so a partial object is what the engine really needs.
	return additionalData as IWorkflowExecuteAdditionalData;
}
