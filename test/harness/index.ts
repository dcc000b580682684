/**
 * In-process n8n engine harness: run workflows, credential tests and webhook calls with the real
 * n8n-core engine (WorkflowExecute, RoutingNode, WebhookContext, BinaryDataService in filesystem
 * mode, OutboundHttp for real HTTP) in about as long as the HTTP calls take.
 *
 * Call `cleanupHarness()` in `afterAll` to delete the temp n8n user folder (binary files).
 */
export { cleanupHarness } from './environment';
export { testCredential } from './credential-test';
export type { HarnessCredentials } from './credentials-helper';
export { HarnessCredentialsHelper } from './credentials-helper';
export { HarnessNodeTypes, START_NODE_NAME, START_NODE_TYPE } from './node-types';
export { readBinary } from './binary';
export { runWorkflow } from './run-workflow';
export type { RunResult, RunWorkflowOptions } from './run-workflow';
export { runWebhook } from './webhook';
export type { RunWebhookOptions, RunWebhookResult } from './webhook';
