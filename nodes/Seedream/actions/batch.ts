import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getAccount, scopedContext } from '../../shared/api';
import { toNodeError } from '../../shared/errors';
import { CancelledError } from '../../shared/retry';
import { rateGateOf } from '../jobRunner';

/** What one row's work gets from the batch. */
export interface RowRun {
	itemIndex: number;
	/** The node's context for this row: its waits and requests end when the batch stops. */
	ctx: IExecuteFunctions;
	/** Call right before a paid request: once the batch has stopped, nothing more is submitted. */
	beforeSubmit(): void;
	/** The job this row created (billed), for the error messages of the row and of the batch. */
	noteJob(jobId: string): void;
	/** The job this row reads (Job → Get, Wait): named in the row's error, never listed as created by this run. */
	readsJob(jobId: string): void;
	/**
	 * Call as soon as the row has failed, before it frees what other rows wait for (its running-job
	 * slot): without continue-on-fail the batch stops here, so no waiting row is submitted after it.
	 */
	failed(): void;
}

export interface BatchOperation<Prepared> {
	/** Reads and checks one row. It sends nothing to Apiframe: a bad row throws here. */
	prepare(itemIndex: number): Promise<Prepared>;
	run(row: RowRun, prepared: Prepared): Promise<INodeExecutionData[]>;
	/** How many rows run at once; by default all of them (running-job slots hold the rest back). */
	rowsAtOnce?: number;
}

async function explain(ctx: IExecuteFunctions, error: unknown, itemIndex: number, jobId?: string) {
	const apiKey = await getAccount(ctx).then(
		(account) => account.apiKey,
		() => undefined,
	);
	return toNodeError(ctx.getNode(), error, { itemIndex, jobId, apiKey });
}

function errorItem(error: Awaited<ReturnType<typeof explain>>, itemIndex: number, jobId?: string): INodeExecutionData {
	const details: IDataObject = { itemIndex };
	if (jobId) details.jobId = jobId;
	if (error.description) details.description = error.description;
	if ('httpCode' in error && error.httpCode) details.httpCode = error.httpCode;
	return { json: { error: error.message, details }, pairedItem: { item: itemIndex } };
}

/**
 * Runs an operation over every input row the way a batch should behave when it costs money:
 * 1. Every row is prepared (read and validated) before any row is submitted. Without
 *    continue-on-fail a bad row fails the node at once and nothing is billed; with it, the bad row
 *    becomes its paired error item and the others go on.
 * 2. Prepared rows run concurrently. With continue-on-fail a failing row becomes its error item.
 *    Without it, the first failure stops the batch: rows not yet submitted are never submitted,
 *    the others stop waiting, and the error lists the jobs already created so Job → Wait can
 *    collect them (n8n throws the node's output away when the node fails).
 * 3. A user's Stop ends every wait and is not reported as an error.
 */
export async function runBatch<Prepared>(ctx: IExecuteFunctions, operation: BatchOperation<Prepared>): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const continueOnFail = ctx.continueOnFail();
	const outputs: INodeExecutionData[][] = items.map(() => []);

	const ready: Array<{ itemIndex: number; prepared: Prepared }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			ready.push({ itemIndex, prepared: await operation.prepare(itemIndex) });
		} catch (error) {
			const nodeError = await explain(ctx, error, itemIndex);
			if (!continueOnFail) throw nodeError;
			outputs[itemIndex] = [errorItem(nodeError, itemIndex)];
		}
	}

	// Every row's requests wait out the account's 429 pause (a credential it refuses fails each row on its own).
	const rate = ready.length ? await rateGateOf(ctx).catch(() => undefined) : undefined;
	const userStop = ctx.getExecutionCancelSignal();
	const batchStop = new AbortController();
	const stopBatch = () => batchStop.abort();
	if (userStop?.aborted) stopBatch();
	userStop?.addEventListener('abort', stopBatch, { once: true });
	const rowSignal = signalFanOut(batchStop.signal);
	const jobsCreated: string[] = [];
	let failure: Error | undefined;

	const runRow = async ({ itemIndex, prepared }: (typeof ready)[number]) => {
		let jobId: string | undefined;
		const row: RowRun = {
			itemIndex,
			ctx: scopedContext(ctx, { signal: rowSignal(), rate }),
			beforeSubmit: () => {
				if (batchStop.signal.aborted) throw new CancelledError();
			},
			noteJob: (id) => {
				jobId = id;
				jobsCreated.push(id);
			},
			readsJob: (id) => {
				jobId = id;
			},
			failed: () => {
				if (!continueOnFail) stopBatch();
			},
		};
		try {
			const produced = await operation.run(row, prepared);
			outputs[itemIndex] = produced.map((item) => ({ ...item, pairedItem: { item: itemIndex } }));
		} catch (error) {
			// Stopped by the user or by another row's failure: not this row's error.
			if (batchStop.signal.aborted && error instanceof CancelledError) return;
			row.failed();
			const nodeError = await explain(ctx, error, itemIndex, jobId);
			if (continueOnFail) outputs[itemIndex] = [errorItem(nodeError, itemIndex, jobId)];
			else failure ??= nodeError;
		}
	};

	try {
		await runAtMost(operation.rowsAtOnce ?? ready.length, ready, runRow, () => batchStop.signal.aborted);
	} finally {
		userStop?.removeEventListener('abort', stopBatch);
	}
	if (userStop?.aborted) return [[]];
	if (failure) {
		const nodeError = failure as Error & { description?: string | null };
		const others = jobsCreated.filter((id) => !nodeError.message.includes(id));
		if (others.length) {
			nodeError.description = [
				nodeError.description,
				`The other rows were stopped; rows not yet submitted were not submitted. Jobs already created (billed; collect them with Job → Wait): ${others.join(', ')}`,
			]
				.filter(Boolean)
				.join('\n');
		}
		throw nodeError;
	}
	return [outputs.flat()];
}

/** Children one signal hands its abort to; with a row's own waits it stays under Node's warning at 10 listeners. */
const CHILDREN_PER_SIGNAL = 6;

/**
 * Hands out signals that all abort with `root`, arranged as a tree so that no signal has more than
 * a few listeners: 200 rows each waiting on one shared signal would trip Node's leak warning.
 */
function signalFanOut(root: AbortSignal): () => AbortSignal {
	const children = new Map<AbortSignal, number>([[root, 0]]);
	const parents: AbortSignal[] = [root];
	return () => {
		const parent = parents[0];
		const child = new AbortController();
		if (parent.aborted) child.abort();
		else parent.addEventListener('abort', () => child.abort(), { once: true });
		const count = (children.get(parent) ?? 0) + 1;
		children.set(parent, count);
		if (count >= CHILDREN_PER_SIGNAL) parents.shift();
		children.set(child.signal, 0);
		parents.push(child.signal);
		return child.signal;
	};
}

/** Runs `work` over `entries`, at most `limit` at a time, and starts no new one once `stopped()`. */
async function runAtMost<T>(
	limit: number,
	entries: T[],
	work: (entry: T) => Promise<void>,
	stopped: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < entries.length && !stopped()) await work(entries[next++]);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, entries.length)) }, lane));
}
