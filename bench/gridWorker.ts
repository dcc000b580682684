/**
 * One engine process of the grid (bench/grid.ts): a fresh Node process that runs only n8n's
 * engine with the Seedream node, like one n8n main or queue-mode worker. Driven by IPC: `setup`
 * (time scale, engine warm-up without the Seedream node), then any number of `batch`es (each one
 * execution of Start → Seedream over N rows), then `exit`. The node's per-process, per-account
 * state lives as long as this process, so a second batch with the same key runs "warm".
 */
import type { INodeParameters } from 'n8n-workflow';

import { START_NODE_TYPE, cleanupHarness, runWorkflow } from '../test/harness';
import type { Simulator } from '../test/simulator';
import { generateParameters, rows, runSeedream, useTestTimeScale } from '../test/support/seedream';
import { goodRows } from './nodeScenario';

export type GridWorkerMessage =
	| { kind: 'setup'; timeScale: number }
	| { kind: 'batch'; simUrl: string; apiKey: string; rows: number; tag: string; parameters: INodeParameters }
	| { kind: 'exit' };

export interface GridBatchResult {
	/** Date.now() when the engine started and finished the execution (real ms, this machine's clock). */
	startedAtMs: number;
	endedAtMs: number;
	wallMs: number;
	rowsOut: number;
	executionStatus: string;
	/** CPU of this process during the execution, real ms. */
	cpuMs: number;
}

export type GridWorkerReply = { ok: true; kind: 'ready' } | { ok: true; kind: 'batch'; result: GridBatchResult } | { ok: false; error: string };

/** The rows' prompts carry the batch's tag, so the job log tells the processes (and batches) apart. */
export const gridPrompt = (tag: string, index: number) => `a lighthouse at dusk, ${tag} row ${index + 1}`;

/** n8n-core's lazy loading and JIT on a workflow without the Seedream node: nothing of the node's state is touched. */
async function warmEngine(): Promise<void> {
	await runWorkflow({
		nodeTypes: {},
		credentialTypes: [],
		credentials: {},
		workflow: { nodes: [{ id: 'start', name: 'Start', type: START_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} }], connections: {} },
		inputItems: [{ json: { warm: true } }],
	});
}

async function batch(m: Extract<GridWorkerMessage, { kind: 'batch' }>): Promise<GridBatchResult> {
	const items = rows(Array.from({ length: m.rows }, (_, i) => gridPrompt(m.tag, i)));
	const cpuBefore = process.cpuUsage();
	const result = await runSeedream({
		sim: { url: m.simUrl, apiKey: m.apiKey } as Simulator,
		parameters: generateParameters(m.parameters),
		items,
		continueOnFail: true,
	});
	const endedAtMs = Date.now();
	const cpu = process.cpuUsage(cpuBefore);
	let rowsOut = 0;
	try {
		rowsOut = goodRows(result.output('Seedream'));
	} catch {
		rowsOut = 0;
	}
	return {
		startedAtMs: endedAtMs - result.durationMs,
		endedAtMs,
		wallMs: result.durationMs,
		rowsOut,
		executionStatus: result.status,
		cpuMs: (cpu.user + cpu.system) / 1000,
	};
}

const reply = (message: GridWorkerReply) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

process.on('message', (message: GridWorkerMessage) => {
	void (async () => {
		try {
			if (message.kind === 'setup') {
				useTestTimeScale(message.timeScale);
				await warmEngine();
				await reply({ ok: true, kind: 'ready' });
			} else if (message.kind === 'batch') {
				await reply({ ok: true, kind: 'batch', result: await batch(message) });
			} else {
				await cleanupHarness().catch(() => undefined);
				process.exit(0);
			}
		} catch (error) {
			await reply({ ok: false, error: (error as Error).stack ?? String(error) });
		}
	})();
});
