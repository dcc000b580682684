/**
 * `npm run dev`: a real n8n editor on 127.0.0.1 with this package, the Apiframe simulator (or the
 * real API when APIFRAME_API_KEY is set), a Slack stand-in that prints what it receives, the
 * credential and every example workflow imported, the webhook receiver published and an owner
 * account ready. Runs until Ctrl-C, then stops everything. `npm run build` ran before.
 */
import * as fs from 'fs';
import * as path from 'path';

import { N8N_VERSION, prepareN8n, publishWorkflow, start } from '../test/e2e/n8n';
import { http } from '../test/support/http';
import { startCapture, type CaptureServer } from './lib/capture';
import { fileAccessEnv, hookUrl, prepareExamples, PROMPTS_CSV, ROOT_DIR } from './lib/examples';
import { exitCleanlyOnSignals, importWorkflows, startApi, startStack, type Api, type Stack } from './lib/stack';

const OUTPUT_DIR = path.join(ROOT_DIR, 'output');
// A fixed port when free, so a bookmarked editor URL keeps working between runs.
const N8N_PORT = Number(process.env.N8N_DEV_PORT || 5678);

async function portIsFree(port: number): Promise<boolean> {
	try {
		// Any answer at all means something listens there.
		await http.get(`http://127.0.0.1:${port}/`, { timeout: 1_000 });
		return false;
	} catch {
		return true;
	}
}

async function main(): Promise<void> {
	let stack: Stack | undefined;
	let api: Api | undefined;
	let capture: CaptureServer | undefined;
	exitCleanlyOnSignals(() => (stack ? [stack.instance.userFolder] : []));
	const shutdown = async () => {
		if (stack) await stack.close();
		else await api?.sim?.close();
		await capture?.close();
	};
	try {
		console.log('» preparing n8n 2.41.1 (the first run installs it into ~/.cache/n8n-nodes-seedream, ~5 min)');
		const paths = await prepareN8n();
		api = await startApi();
		capture = await startCapture({
			onPost: (p) => {
				const files = p.files.map((f) => `${f.fileName} (${f.contentType}, ${Math.round(f.bytes.length / 1024)} KB)`).join(', ');
				console.log(`[slack stand-in] ${p.fields.channel ?? ''} "${p.fields.initial_comment ?? ''}" ${files}`);
			},
		});
		fs.mkdirSync(OUTPUT_DIR, { recursive: true });
		const env: Record<string, string> = fileAccessEnv(path.dirname(PROMPTS_CSV), OUTPUT_DIR);
		if (await portIsFree(N8N_PORT)) {
			Object.assign(env, { N8N_PORT: String(N8N_PORT), WEBHOOK_URL: `http://127.0.0.1:${N8N_PORT}/` });
		}
		stack = await startStack({ api, env, instance: { paths } });
		const { instance } = stack;
		if (env.N8N_PORT) Object.assign(instance, { port: N8N_PORT, baseUrl: `http://127.0.0.1:${N8N_PORT}` });
		const examples = prepareExamples({ outputDir: OUTPUT_DIR, slackUrl: capture.url, n8nBaseUrl: instance.baseUrl });
		await importWorkflows(instance, Object.values(examples));
		// Published before start, so the Seedream Trigger's production URL is live at once.
		await publishWorkflow(instance, examples.hookReceive.id);
		console.log('» starting n8n…');
		await start(instance);
		const open = (id: string) => `${instance.baseUrl}/workflow/${id}`;
		console.log(`
n8n ${N8N_VERSION} with n8n-nodes-seedream is ready:

  editor     ${instance.baseUrl}
  login      ${instance.owner.email} / ${instance.owner.password}
  Apiframe   ${api.label}
             credential "Apiframe account" (key ${api.sim ? api.apiKey : 'from APIFRAME_API_KEY'})
  Slack      stand-in at ${capture.url}: uploads are printed below

  workflows  ${open(examples.csvImages.id)}   spreadsheet → images (→ ${path.relative(process.cwd(), OUTPUT_DIR)}/)
             ${open(examples.csvSlack.id)}    spreadsheet → images → Slack stand-in
             ${open(examples.hookSubmit.id)}  webhook pair: submit (results by webhook)
             ${open(examples.hookReceive.id)} webhook pair: receive (published; ${hookUrl(instance.baseUrl)})
             ${open(examples.aiAgent.id)}     AI agent with the Seedream tool (add a chat model credential)

Ctrl-C stops n8n${api.sim ? ', the simulator' : ''} and the Slack stand-in and deletes the throwaway n8n folder.`);
		// Run until a signal arrives (exitCleanlyOnSignals kills everything and exits), or n8n dies.
		await new Promise<void>((resolve) => instance.process?.once('exit', () => resolve()));
		console.error('n8n exited; stopping.');
		process.exitCode = 1;
	} finally {
		await shutdown();
	}
}

main().catch((err) => {
	console.error(`dev failed: ${err instanceof Error ? err.message : err}`);
	process.exitCode = 1;
});
