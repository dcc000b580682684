/**
 * runWorkflow: executes a workflow JSON with n8n-core's own WorkflowExecute — the same engine
 * loop, declarative RoutingNode, continue-on-fail handling and binary data service the n8n
 * server uses — without a server, database or queue.
 */
import { randomInt } from 'node:crypto';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ICredentialType,
	IConnections,
	INode,
	INodeExecutionData,
	INodeType,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UnexpectedError, Workflow, createRunExecutionData } from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import { readBinary } from './binary';
import type { HarnessCredentials } from './credentials-helper';
import { HarnessCredentialsHelper } from './credentials-helper';
import { ensureEnvironment } from './environment';
import { HarnessNodeTypes, START_NODE_NAME, START_NODE_TYPE, attachCredentials } from './node-types';

export interface RunWorkflowOptions {
	/** Node type instances keyed by the type name the workflow JSON uses. */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: ICredentialType[];
	/** Decrypted credential data per credential type name. */
	credentials: HarnessCredentials;
	workflow: { nodes: INode[]; connections: IConnections };
	/**
	 * Items the start node emits (default: one empty item, like the manual trigger). The start
	 * node is the workflow's `n8n-nodes-base.manualTrigger` if it has one; otherwise the harness
	 * prepends a node named "Start" and connects it to the first node without a main input.
	 */
	inputItems?: INodeExecutionData[];
	/** Default: a random numeric id. Reusing one is allowed (idempotency tests). */
	executionId?: string;
	/** Aborting cancels the execution like the editor's stop button (the nodes see the signal). */
	abortSignal?: AbortSignal;
	/** Default 'manual' (a run from the editor). */
	mode?: WorkflowExecuteMode;
}

export interface RunResult {
	runData: IRunData;
	error?: ExecutionError;
	/** ExecutionStatus: 'success' | 'error' | 'canceled' | … */
	status: string;
	/** Items of output `outputIndex` (default 0) of the node's last run. */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** Bytes of a binary property (default 'data', or the only one) via BinaryDataService. */
	binary(item: INodeExecutionData, prop?: string): Promise<Buffer>;
	executionId: string;
	/** Wall-clock time of the engine run, set-up excluded. */
	durationMs: number;
	/** The raw IRun, for anything the helpers above do not cover. */
	run: IRun;
	/**
	 * Settles when WorkflowExecute itself finishes. Equal to the result for normal runs; after a
	 * cancel, the running node may still be busy (declarative nodes do not see the cancel signal
	 * in n8n-core 2.41), so await this before tearing down servers it talks to.
	 */
	engineSettled: Promise<void>;
}

const WORKFLOW_ID = 'harness-workflow';

/** Node names in order of the workflow with no incoming main connection. */
function rootNodes(nodes: INode[], connections: IConnections): INode[] {
	const targets = new Set<string>();
	for (const outputs of Object.values(connections)) {
		for (const output of outputs.main ?? []) {
			for (const connection of output ?? []) targets.add(connection.node);
		}
	}
	return nodes.filter((node) => !targets.has(node.name));
}

/** Finds or inserts the start node; returns it and the (copied, possibly extended) graph. */
function withStartNode(workflow: RunWorkflowOptions['workflow']): {
	nodes: INode[];
	connections: IConnections;
	start: INode;
} {
	// Copies: the engine writes into nodes (e.g. defaults) and tests reuse their workflow objects.
	const nodes = structuredClone(workflow.nodes);
	const connections = structuredClone(workflow.connections);
	const existing = nodes.find((node) => node.type === START_NODE_TYPE && node.disabled !== true);
	if (existing) return { nodes, connections, start: existing };

	const first = rootNodes(nodes, connections)[0];
	if (first === undefined) throw new UnexpectedError('Workflow has no node without an input to start from');
	let name = START_NODE_NAME;
	for (let i = 1; nodes.some((node) => node.name === name); i++) name = `${START_NODE_NAME} ${i}`;
	const start: INode = {
		id: 'harness-start',
		name,
		type: START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	connections[name] = { main: [[{ node: first.name, type: 'main', index: 0 }]] };
	return { nodes: [start, ...nodes], connections, start };
}

export async function runWorkflow(opts: RunWorkflowOptions): Promise<RunResult> {
	await ensureEnvironment();
	const executionId = opts.executionId ?? String(randomInt(1, 2 ** 31 - 1));
	const mode = opts.mode ?? 'manual';
	const nodeTypes = new HarnessNodeTypes(opts.nodeTypes);
	const credentialsHelper = new HarnessCredentialsHelper(opts.credentialTypes, opts.credentials);

	const { nodes, connections, start } = withStartNode(opts.workflow);
	attachCredentials(nodes, nodeTypes, (type) => credentialsHelper.hasData(type));
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		nodes,
		connections,
		active: false,
		nodeTypes,
		staticData: {},
		settings: { executionOrder: 'v1' },
	});

	const workflowData = {
		id: WORKFLOW_ID,
		name: workflow.name,
		nodes,
		connections,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		settings: workflow.settings,
	} as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	// On cancel, WorkflowExecute reports the canceled run through this hook right away but may
	// settle its own promise only when the running node returns; the hook is the reliable signal.
	let reportCanceled: (run: IRun) => void = () => undefined;
	const canceled = new Promise<IRun>((resolve) => (reportCanceled = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => {
		if (run.status === 'canceled') reportCanceled(run);
	});

	const additionalData = buildAdditionalData({ credentialsHelper, executionId, hooks, workflowId: WORKFLOW_ID });
	// The start node's input is what it emits: the engine runs the stack's first entry with this data.
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: start, data: { main: [opts.inputItems ?? [{ json: {} }]] }, source: null },
			],
		},
	});

	const startedAt = performance.now();
	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);
	const onAbort = () => execution.cancel();
	if (opts.abortSignal?.aborted) onAbort();
	opts.abortSignal?.addEventListener('abort', onAbort, { once: true });
	let run: IRun;
	try {
		run = await Promise.race([execution, canceled]);
	} finally {
		opts.abortSignal?.removeEventListener('abort', onAbort);
	}
	const durationMs = performance.now() - startedAt;
	const engineSettled = execution.then(
		() => undefined,
		() => undefined,
	);

	const runData = run.data.resultData.runData;
	return {
		run,
		runData,
		error: run.data.resultData.error,
		status: run.status,
		executionId,
		durationMs,
		engineSettled,
		output(nodeName, outputIndex = 0) {
			const runs = runData[nodeName];
			if (runs === undefined || runs.length === 0) {
				const error = run.data.resultData.error;
				throw new UnexpectedError(
					`Node "${nodeName}" did not run (ran: ${Object.keys(runData).join(', ') || 'none'}` +
						`${error ? `; execution error: ${error.message}` : ''})`,
				);
			}
			const last = runs[runs.length - 1];
			if (last.error && last.data === undefined) {
				throw new UnexpectedError(`Node "${nodeName}" failed: ${last.error.message}`);
			}
			return last.data?.main?.[outputIndex] ?? [];
		},
		binary: readBinary,
	};
}
