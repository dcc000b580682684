/**
 * What a user does in the editor of a queue-mode n8n, through the main's REST API (the routes the
 * editor itself calls): create credentials and workflows, publish them, run one manually, read an
 * execution with its run data, download a binary file the way the editor's "Download" button does.
 */
import * as path from 'path';

import { header, http } from '../../support/http';
import { sleep } from '../../support/waiting';
import { listExecutions, rest, restFetch, type N8nInstance } from '../n8n';

/** n8n stores run data "flatted" (JSON with shared references): parsed with the flatted n8n itself uses. */
let flatted: { parse(text: string): any } | undefined;
function parseFlatted(text: string, n8nDir: string): any {
	flatted ??= require(require.resolve('flatted', { paths: [path.join(n8nDir, 'node_modules', 'n8n')] }));
	return flatted!.parse(text);
}

export interface CreatedCredential {
	id: string;
	name: string;
	type: string;
}

export async function createCredential(main: N8nInstance, name: string, type: string, data: Record<string, unknown>): Promise<CreatedCredential> {
	const c = await rest(main, 'POST', '/rest/credentials', { name, type, data });
	return { id: c.id, name: c.name, type: c.type };
}

export interface CreatedWorkflow {
	id: string;
	versionId: string;
	name: string;
}

/** POST /rest/workflows (the editor's Save). */
export async function createWorkflow(main: N8nInstance, wf: { name: string; nodes: any[]; connections: Record<string, any>; id?: string }): Promise<CreatedWorkflow> {
	const w = await rest(main, 'POST', '/rest/workflows', { settings: { executionOrder: 'v1' }, ...wf });
	return { id: w.id, versionId: w.versionId, name: w.name };
}

/** POST /rest/workflows/:id/activate (the editor's Publish): the main registers its webhooks for the webhook processes. */
export async function publish(main: N8nInstance, wf: CreatedWorkflow): Promise<void> {
	const w = await rest(main, 'POST', `/rest/workflows/${wf.id}/activate`, { versionId: wf.versionId });
	if (!w.active) throw new Error(`workflow ${wf.id} did not become active`);
}

/**
 * POST /rest/workflows/:id/run, what "Execute workflow" sends: with
 * OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true the main only enqueues it and a worker runs it.
 */
export async function runManually(main: N8nInstance, workflowId: string, triggerName: string, opts: { withWorkflowData?: boolean } = {}): Promise<string> {
	// n8n 1.x runs the workflow the editor sends, so it needs the saved workflow in the body.
	const workflowData = opts.withWorkflowData ? await rest(main, 'GET', `/rest/workflows/${workflowId}`) : undefined;
	const r = await rest(main, 'POST', `/rest/workflows/${workflowId}/run`, { triggerToStartFrom: { name: triggerName }, ...(workflowData ? { workflowData } : {}) });
	if (!r?.executionId) throw new Error(`POST /rest/workflows/${workflowId}/run answered ${JSON.stringify(r)}`);
	return String(r.executionId);
}

/** POSTs JSON to a production webhook URL, retrying while it still answers 404 (just published). */
export async function callWebhook(url: string, body: unknown, timeoutMs = 20_000): Promise<{ status: number; body: string }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const res = await http.post<string>(url, JSON.stringify(body), { headers: { 'content-type': 'application/json' }, responseType: 'text', timeout: 30_000 });
		if (res.status !== 404 || Date.now() > deadline) return { status: res.status, body: res.data };
		await sleep(250);
	}
}

export interface Execution {
	id: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	createdAt: string;
	workflowId: string;
	/** The run data, unflattened: `data.resultData.runData[node][run].data.main[output]`. */
	data: any;
	raw: any;
}

/** GET /rest/executions/:id with its run data parsed. */
export async function getExecution(main: N8nInstance, id: string): Promise<Execution> {
	const e = await rest(main, 'GET', `/rest/executions/${id}`);
	const data = typeof e.data === 'string' ? parseFlatted(e.data, main.paths.n8nDir) : e.data;
	return { id: String(e.id), status: e.status, mode: e.mode, finished: e.finished, startedAt: e.startedAt, stoppedAt: e.stoppedAt, createdAt: e.createdAt, workflowId: e.workflowId, data, raw: e };
}

const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);

/** Polls an execution until its status is final (success, error, crashed, canceled). */
export async function waitForExecution(main: N8nInstance, id: string, timeoutMs: number, intervalMs = 500): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const summary = await rest(main, 'GET', `/rest/executions/${id}`);
		if (FINAL.has(summary.status)) return await getExecution(main, id);
		if (Date.now() > deadline) throw new Error(`execution ${id} still '${summary.status}' after ${timeoutMs} ms`);
		await sleep(intervalMs);
	}
}

/** Waits until `count` executions of a workflow (beyond `before`) have a final status; returns them, newest first. */
export async function waitForExecutions(main: N8nInstance, workflowId: string, count: number, timeoutMs: number): Promise<any[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const all = await listAllExecutions(main, workflowId);
		const done = all.filter((e) => FINAL.has(e.status));
		if (done.length >= count) return done;
		if (Date.now() > deadline) throw new Error(`${done.length} of ${count} executions of ${workflowId} finished within ${timeoutMs} ms (${all.length} in all)`);
		await sleep(1_000);
	}
}

/** Every execution of a workflow, newest first (pages of 100, following the list's `nextCursor`). */
export async function listAllExecutions(main: N8nInstance, workflowId: string): Promise<any[]> {
	// n8n's first page puts the running executions on top of the finished ones, so one finishing
	// as the page is read is listed twice: each id once, its finished copy.
	const byId = new Map<string, any>();
	let cursor: string | undefined;
	for (;;) {
		const query = new URLSearchParams({ filter: JSON.stringify({ workflowId }), limit: '100' });
		if (cursor) query.set('cursor', cursor);
		const data = await rest(main, 'GET', `/rest/executions?${query}`);
		for (const execution of data.results) if (!byId.has(String(execution.id)) || execution.stoppedAt) byId.set(String(execution.id), execution);
		cursor = data.nextCursor ?? undefined;
		if (!cursor || data.results.length === 0) return [...byId.values()];
	}
}

export { listExecutions };

/** The items a node output in an execution's first run. */
export function nodeItems(execution: Execution, node: string): any[] {
	return execution.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0] ?? [];
}

export interface Download {
	status: number;
	contentType: string | null;
	contentDisposition: string | null;
	bytes: Buffer;
}

/** GET /rest/binary-data?id=…&action=download, as the editor's download button does. */
export async function downloadBinary(main: N8nInstance, binaryId: string): Promise<Download> {
	const res = await restFetch(main, 'GET', `/rest/binary-data?id=${encodeURIComponent(binaryId)}&action=download`);
	return {
		status: res.status,
		contentType: header(res, 'content-type'),
		contentDisposition: header(res, 'content-disposition'),
		bytes: res.data,
	};
}
