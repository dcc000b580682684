/**
 * n8n in queue mode on this machine, for a look or a diagnosis: Postgres, Redis, a main, two
 * workers and a webhook process (scripts/queue/stack.ts), this package in every one of them, an
 * Apiframe simulator with an "Apiframe account" credential, and the owner account
 * (owner@example.com / Seedream-e2e-1). Ctrl-C stops everything and deletes the folders.
 *
 *   npm run build && npx ts-node --transpile-only scripts/queue/up.ts            # runs until Ctrl-C
 *   npx ts-node --transpile-only scripts/queue/up.ts --check                     # start, print the timings, stop
 *   QUEUE_WORKERS=3 QUEUE_SHARED_USER_FOLDER=1 npx ts-node --transpile-only scripts/queue/up.ts
 */
import { createCredential } from '../../test/e2e/queue/rest';
import { startSimulator } from '../../test/simulator';
import { startQueueStack, type QueueStack } from './stack';

async function main(): Promise<void> {
	const check = process.argv.includes('--check');
	let stack: QueueStack | undefined;
	const sim = await startSimulator({ host: '127.0.0.1', port: 0, timeScale: 0.1, latencyMs: 15_000, imageScale: 1 });
	// Ctrl-C: scripts/queue/infra.ts and test/e2e/processes.ts kill every process group and delete
	// the folders, then the signal ends this process.
	const stop = async (code: number) => {
		await stack?.close();
		await sim.close();
		process.exit(code);
	};
	try {
		stack = await startQueueStack({
			workers: Number(process.env.QUEUE_WORKERS || 2),
			userFolders: process.env.QUEUE_SHARED_USER_FOLDER ? 'shared' : 'per-process',
			log: (line) => console.log(`» ${line}`),
		});
		await createCredential(stack.main, 'Apiframe account', 'apiframeApi', { apiKey: sim.apiKey, baseUrl: sim.url });
		const s = stack;
		const processes = [s.mainProcess, ...s.workers, ...s.webhooks]
			.map((p) => `  ${p.label.padEnd(10)} ready in ${String(p.readyMs ?? '?').padStart(6)} ms   health ${p.healthUrl}   log ${p.logFile}`)
			.join('\n');
		console.log(`
n8n queue mode is ready (${s.timings.total} ms: postgres ${s.timings.postgres}, redis ${s.timings.redis}, main ${s.timings.main}, workers + webhook ${s.timings.workersAndWebhooks}):

  editor      ${s.main.baseUrl}   (${s.main.owner.email} / ${s.main.owner.password})
  webhooks    ${s.webhookBaseUrl}/webhook/…   (WEBHOOK_URL: production URLs point at the webhook process)
  postgres    127.0.0.1:${s.postgres.port} db ${s.postgres.database} user ${s.postgres.user} password ${s.postgres.password}
  redis       127.0.0.1:${s.redis.port}
  Apiframe    simulator at ${sim.url} (credential "Apiframe account")
${processes}
`);
		if (check) return await stop(0);
		console.log('Ctrl-C stops everything.');
		await new Promise<never>(() => undefined);
	} catch (err) {
		console.error(err);
		await stop(1);
	}
}

void main();
