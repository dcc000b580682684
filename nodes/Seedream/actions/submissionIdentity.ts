import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { IDEMPOTENCY_KEY_MAX_CHARS } from '../../shared/constants';

/**
 * What makes two submissions "the same" for Apiframe's Idempotency-Key (kept 24 h):
 * - `run` (default): this row of this node run — the same on every retry of the row (ours, n8n's
 *   Retry On Fail, on whichever process or worker), different for every other row, loop
 *   iteration, execution, workflow and n8n instance;
 * - `content`: this workflow, this node and the request body, so running the same rows again
 *   (after a crash, a failed execution) reuses the jobs already billed.
 */
export type IdentityMode = 'run' | 'content';

export interface RunScope {
	instanceId: string;
	/**
	 * n8n derives its instance id from the encryption key: staging and production that share one
	 * (a copied config) share the id, and their execution ids count from 1 alike. Their addresses differ.
	 */
	instanceBaseUrl: string;
	workflowId: string;
	executionId: string;
	nodeId: string;
	runIndex: number;
}

/** The execution custom data (letters, digits and `_` only) that keeps the id the keys were made with. */
export const KEYS_EXECUTION_DATA = 'seedream_keys_execution';

/**
 * The execution id the run's keys are made with. n8n's Retry (Executions list) runs a new execution
 * on a copy of the failed one's data, custom data included (packages/cli/src/executions/
 * execution.service.ts, retry()): the id kept there by the first run makes the retry send the keys
 * the failed run sent, so the jobs it billed come back. Older n8n, or custom data already full
 * (n8n keeps 10 entries), fall back to the execution's own id.
 */
export function keysExecutionId(ctx: IExecuteFunctions): string {
	const own = String(ctx.getExecutionId() ?? '');
	try {
		const kept = ctx.getMode() === 'retry' ? ctx.customData?.get(KEYS_EXECUTION_DATA) : undefined;
		if (kept) return String(kept);
		ctx.customData?.set(KEYS_EXECUTION_DATA, own);
	} catch {
		// A context without execution data to keep it in: the execution's own id.
	}
	return own;
}

export function runScopeOf(ctx: IExecuteFunctions): RunScope {
	// evaluateExpression adds the leading `=` itself: '={{ … }}' would yield the string "=0".
	const runIndex = Number(ctx.evaluateExpression('{{ $runIndex }}', 0));
	return {
		instanceId: ctx.getInstanceId(),
		instanceBaseUrl: String(ctx.getInstanceBaseUrl() ?? ''),
		workflowId: String(ctx.getWorkflow().id ?? ''),
		executionId: keysExecutionId(ctx),
		nodeId: ctx.getNode().id,
		runIndex: Number.isInteger(runIndex) ? runIndex : 0,
	};
}

const digest = (text: string, chars: number) => createHash('sha256').update(text).digest('hex').slice(0, chars);

function bounded(key: string): string {
	return key.length <= IDEMPOTENCY_KEY_MAX_CHARS ? key : `n8n-h-${digest(key, 64)}`;
}

/** `n8n-<instance>-<workflow>-<execution>-<node>-r<run>-i<item>`: readable, and unique per row and run. */
export function runKey(scope: RunScope, itemIndex: number): string {
	const instance = digest(`${scope.instanceId}\n${scope.instanceBaseUrl}`, 12);
	return bounded(`n8n-${instance}-${scope.workflowId}-${scope.executionId}-${scope.nodeId}-r${scope.runIndex}-i${itemIndex}`);
}

/** JSON with sorted keys, so that the same body always gives the same key. */
export function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		const record = value as IDataObject;
		return `{${Object.keys(record)
			.sort()
			.filter((key) => record[key] !== undefined)
			.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value);
}

/**
 * `n8n-c-<digest of workflow, node, body>-<n>`: the n-th row of a run with this very body. The
 * count keeps identical rows of one run apart (four rows asking for the same prompt get four
 * images) while a rerun of the same rows maps onto the same keys.
 */
export function contentKey(scope: Pick<RunScope, 'workflowId' | 'nodeId'>, body: IDataObject, occurrence: number): string {
	return `n8n-c-${digest(`${scope.workflowId}\n${scope.nodeId}\n${canonical(body)}`, 40)}-${occurrence}`;
}

/** The key of a later attempt after the row's job FAILED (Apiframe refunds it): a new job, not the failed one. */
export function attemptKey(key: string, attempt: number): string {
	return attempt <= 1 ? key : bounded(`${key}-a${attempt}`);
}
