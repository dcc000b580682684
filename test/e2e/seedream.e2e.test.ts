/**
 * n8n-nodes-seedream where users meet it: a real n8n 2.41.1 (cached install, scripts/n8n/install.sh)
 * with this package linked in as a community package, the Apiframe simulator in this process,
 * and a capture endpoint standing in for Slack. One n8n for the whole file: every CLI call or
 * server start costs 5–15 s, so everything is imported once and the server started once.
 *
 * The examples in examples/ are the workflows under test, imported as users import them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { startCapture, type CaptureServer } from '../../scripts/lib/capture';
import {
	CREDENTIAL_ID,
	EXAMPLES_DIR,
	fileAccessEnv,
	findNode,
	hookUrl,
	imageRows,
	prepareExamples,
	readPrompts,
	runError,
	type ExampleName,
	type Workflow,
} from '../../scripts/lib/examples';
import { DEMO_SIMULATOR, importWorkflows, startStack, type Stack } from '../../scripts/lib/stack';
import { startSimulator, type Simulator } from '../simulator';
import { http } from '../support/http';
import { imageSize } from '../support/imageSize';
import { startFakeOpenAi, type FakeOpenAi } from './fakeOpenAi';
import { addCollectionOption, assertChromium, canvasNode, nodeIcon, openEditor, openWorkflow, panelLabels, type EditorSession } from './editor';
import { execute, listExecutions, prepareN8n, publishWorkflow, rest, start, testCredential, type N8nInstance } from './n8n';
import { sleep, stopwatch, waitFor } from '../support/waiting';

const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');
const SCREENSHOT = path.join(ARTIFACTS_DIR, 'editor-seedream.png');
const CANVAS_SCREENSHOT = path.join(ARTIFACTS_DIR, 'editor-canvas.png');

const { timings, timed } = stopwatch();

const OPENAI_CREDENTIAL = { id: 'openAiStandIn001', name: 'OpenAI (local stand-in)', type: 'openAiApi' };
const AGENT_TOOL_ARGS = { prompt: 'A red fox curled up in fresh snow, soft morning light', aspectRatio: '16:9' };

/**
 * The agent example as a headless run: `n8n execute` cannot feed a chat message, so a manual
 * trigger and a fixed prompt replace the chat trigger; the model is the local OpenAI stand-in.
 */
function runnableAgent(example: Workflow): Workflow {
	const wf: Workflow = JSON.parse(JSON.stringify(example));
	Object.assign(wf, { id: 'seedreamAgentRun', name: 'e2e: AI agent with the Seedream tool, headless' });
	const trigger = findNode(wf, 'When chat message received');
	wf.connections.Start = wf.connections[trigger.name];
	delete wf.connections[trigger.name];
	delete trigger.webhookId;
	Object.assign(trigger, { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	Object.assign(findNode(wf, 'AI Agent').parameters, { promptType: 'define', text: 'Please draw me a fox in the snow, widescreen.' });
	findNode(wf, 'OpenAI Chat Model').credentials = { openAiApi: { id: OPENAI_CREDENTIAL.id, name: OPENAI_CREDENTIAL.name } };
	return wf;
}

const outputItems = (runJson: any, node: string): any[] => runJson?.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0] ?? [];

describe('n8n-nodes-seedream in a real n8n 2.41.1', () => {
	let sim: Simulator;
	let capture: CaptureServer;
	let stack: Stack | undefined;
	let instance: N8nInstance;
	let examples: Record<ExampleName, Workflow>;
	let agentRun: Workflow;
	let openAi: FakeOpenAi;
	let outputDir: string;
	const prompts = readPrompts();

	beforeAll(async () => {
		const paths = await timed('prepareN8n', () => prepareN8n());
		// Always the simulator here, even when APIFRAME_API_KEY is set: tests never spend credits.
		sim = await startSimulator({ host: '127.0.0.1', port: 0, ...DEMO_SIMULATOR });
		capture = await startCapture();
		openAi = await startFakeOpenAi(AGENT_TOOL_ARGS);
		outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedream-e2e-output-'));
		stack = await timed('createInstance+credential', () =>
			startStack({
				api: { url: sim.url, apiKey: sim.apiKey, sim, label: 'simulator' },
				env: fileAccessEnv(EXAMPLES_DIR, outputDir),
				instance: { paths },
				credentials: [{ ...OPENAI_CREDENTIAL, data: { apiKey: 'sk-local-stand-in', url: openAi.url } }],
			}),
		);
		instance = stack.instance;
		examples = prepareExamples({ outputDir, slackUrl: capture.url, n8nBaseUrl: instance.baseUrl });
		agentRun = runnableAgent(examples.aiAgent);
		await timed('importWorkflows', () => importWorkflows(instance, [...Object.values(examples), agentRun]));
		await timed('publishWorkflow', () => publishWorkflow(instance, examples.hookReceive.id));
		await timed('start', () => start(instance));
	});

	afterAll(async () => {
		await stack?.close(); // n8n, its task runners, the instance folder and the simulator
		await capture?.close();
		await openAi?.close();
		if (outputDir) fs.rmSync(outputDir, { recursive: true, force: true });
		console.log(`seedream e2e timings (ms): ${JSON.stringify(timings)}`);
	});

	it('spreadsheet → images: 10 CSV rows become 10 JPEG files of 2048×2048', async () => {
		const result = await timed('execute csvImages', () => execute(instance, examples.csvImages.id));
		expect(runError(result.json)).toBeUndefined();
		expect(result.code).toBe(0);
		const rows = imageRows(result.json);
		expect(rows.map((r) => Number(r.row)).sort((a, b) => a - b)).toEqual(prompts.map((p) => Number(p.row)));
		for (const r of rows) {
			expect(r).toMatchObject({ format: 'jpg', width: 2048, height: 2048 });
			expect(path.dirname(r.file)).toBe(outputDir);
		}
		expect(fs.readdirSync(outputDir).sort()).toEqual(prompts.map((p) => `row-${p.row.padStart(2, '0')}.jpg`));
		// One job per row, each created by this run, with the row's prompt.
		const jobs = new Map(sim.jobs().map((j: any) => [j.id, j]));
		expect(new Set(rows.map((r) => r.jobId)).size).toBe(10);
		for (const r of rows) expect(jobs.get(r.jobId)?.prompt).toBe(r.prompt);
	});

	it('spreadsheet → Slack: each row posts its image and prompt to the Slack stand-in once', async () => {
		const before = capture.posts.length;
		const result = await timed('execute csvSlack', () => execute(instance, examples.csvSlack.id));
		expect(runError(result.json)).toBeUndefined();
		const posts = capture.posts.slice(before);
		expect(posts).toHaveLength(10);
		const comments = posts.map((p) => p.fields.initial_comment).sort();
		expect(comments).toEqual(prompts.map((p) => `Row ${p.row}: ${p.prompt}`).sort());
		for (const post of posts) {
			expect(post.fields.channel).toBe('#seedream');
			expect(post.files).toHaveLength(1);
			expect(post.files[0]).toMatchObject({ field: 'file', contentType: 'image/jpeg' });
			expect(imageSize(post.files[0].bytes)).toEqual({ format: 'jpg', width: 2048, height: 2048 });
		}
	});

	it('webhook pair: jobs submitted without waiting arrive once each through the published Seedream Trigger', async () => {
		const receiveId = examples.hookReceive.id;
		const before = capture.posts.length;
		const executionsBefore = (await listExecutions(instance, { workflowId: receiveId })).length;
		const result = await timed('execute hookSubmit', () => execute(instance, examples.hookSubmit.id));
		expect(runError(result.json)).toBeUndefined();
		const submitted = outputItems(result.json, 'Seedream').map((i) => i.json);
		expect(submitted).toHaveLength(3);
		for (const job of submitted) expect(job.status).toMatch(/QUEUED|PROCESSING/); // returned at once
		const jobIds = submitted.map((j) => j.jobId as string).sort();

		// Workflow A told Apiframe the trigger's production URL.
		for (const id of jobIds) expect(sim.jobs().find((j: any) => j.id === id)?.webhookUrl).toBe(hookUrl(instance.baseUrl));

		const posted = await timed('webhook deliveries', () =>
			waitFor(
				async () => {
					const posts = capture.posts.slice(before);
					return posts.length >= 3 ? posts : undefined;
				},
				60_000,
				'three Slack posts',
				250,
			),
		);
		await waitFor(
			async () => {
				const runs = await listExecutions(instance, { workflowId: receiveId });
				return runs.filter((r) => r.status !== 'running' && r.status !== 'new').length - executionsBefore >= 3 ? runs : undefined;
			},
			60_000,
			'three finished executions of the receiving workflow',
			250,
		);
		await sleep(1_500); // room for a duplicate to show up, if there were one
		const posts = capture.posts.slice(before);
		expect(posts.map((p) => /job (\S+) is ready/.exec(p.fields.initial_comment)?.[1]).sort()).toEqual(jobIds);
		expect(posted.every((p) => p.files.length === 1 && imageSize(p.files[0].bytes).format === 'jpg')).toBe(true);
		const runs = (await listExecutions(instance, { workflowId: receiveId })).slice(0, -executionsBefore || undefined);
		expect(runs).toHaveLength(3);
		expect(runs.every((r) => r.status === 'success' && r.mode === 'webhook')).toBe(true);

		// Every delivery was signed, answered 2xx at the first attempt, and is the only one for its job.
		const deliveries = sim.deliveries().filter((d) => jobIds.includes(d.jobId));
		expect(deliveries.map((d) => d.jobId).sort()).toEqual(jobIds);
		expect(deliveries.every((d) => d.event === 'completed' && d.status === 200 && d.attempt === 1)).toBe(true);

		// Apiframe may redeliver: a replay of a genuine delivery is acknowledged but runs nothing.
		// The body as a string goes out byte for byte: the signature covers exactly those bytes.
		const replay = await http.post(hookUrl(instance.baseUrl), deliveries[0].body, {
			headers: { 'content-type': 'application/json', 'x-webhook-event': 'completed', 'x-webhook-signature': deliveries[0].signature },
		});
		expect(replay.status).toBe(200);
		expect(replay.data).toMatchObject({ duplicate: true });
		await sleep(1_000);
		expect(capture.posts.slice(before)).toHaveLength(3);
		expect(await listExecutions(instance, { workflowId: receiveId })).toHaveLength(executionsBefore + 3);

		// n8n saved the trigger's delivery log with the workflow, so it outlives a restart.
		const saved = await rest(instance, 'GET', `/rest/workflows/${receiveId}`);
		const seen = JSON.stringify(saved.staticData ?? {});
		expect(jobIds.every((jobId) => seen.includes(`${jobId}:completed`))).toBe(true);
	});

	it('a forged webhook gets 401 and starts no execution', async () => {
		const receiveId = examples.hookReceive.id;
		const executionsBefore = (await listExecutions(instance, { workflowId: receiveId })).length;
		const postsBefore = capture.posts.length;
		const body = JSON.stringify({ event: 'completed', jobId: 'forged-job', status: 'COMPLETED', result: { images: [`${sim.url}/files/forged.jpg`] } });
		for (const signature of ['sha256=' + 'ab'.repeat(32), undefined]) {
			const headers: Record<string, string> = { 'content-type': 'application/json', 'x-webhook-event': 'completed' };
			if (signature) headers['x-webhook-signature'] = signature;
			const res = await http.post(hookUrl(instance.baseUrl), body, { headers });
			expect(res.status).toBe(401);
		}
		await sleep(1_500);
		expect(await listExecutions(instance, { workflowId: receiveId })).toHaveLength(executionsBefore);
		expect(capture.posts.length).toBe(postsBefore);
	});

	it('the credential test through n8n passes with a good key and fails with a bad one', async () => {
		expect(await testCredential(instance, CREDENTIAL_ID)).toMatchObject({ status: 'OK' });
		const bad = await testCredential(instance, CREDENTIAL_ID, { apiKey: 'afk_wrong000000000000000000000000000000000' });
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/401|invalid|api key|authoriz/i);
	});

	it('offers Seedream as an AI-agent tool, and the agent example loads with it', async () => {
		const types: any[] = await rest(instance, 'GET', '/types/nodes.json');
		const byName = new Map(types.map((t) => [t.name, t]));
		for (const name of ['n8n-nodes-seedream.seedream', 'n8n-nodes-seedream.seedreamTrigger']) expect(byName.has(name)).toBe(true);
		const tool = byName.get('n8n-nodes-seedream.seedreamTool');
		expect(tool).toBeDefined();
		expect(tool.displayName).toBe('Seedream Tool');
		expect(JSON.stringify(tool.outputs)).toContain('ai_tool');
		expect(tool.properties.map((p: any) => p.name)).toEqual(expect.arrayContaining(['toolDescription', 'prompt', 'aspectRatio']));

		const agent = await rest(instance, 'GET', `/rest/workflows/${examples.aiAgent.id}`);
		const toolNode = agent.nodes.find((n: any) => n.name === 'Seedream');
		expect(toolNode.type).toBe('n8n-nodes-seedream.seedreamTool');
		expect(agent.connections.Seedream.ai_tool[0][0].node).toBe('AI Agent');
		for (const n of agent.nodes) expect(byName.has(n.type)).toBe(true); // every node type is known: nothing shows as "?"
	});

	it('an AI agent calls the Seedream tool and answers with the image URL', async () => {
		const result = await timed('execute agent', () => execute(instance, agentRun.id));
		expect(runError(result.json)).toBeUndefined();
		// The model was offered the tool with the two $fromAI parameters, called it, and got its result.
		const chats = openAi.requests.filter((r) => r.path.endsWith('/chat/completions'));
		expect(chats).toHaveLength(2);
		const tool = chats[0].body.tools.find((t: any) => t.function.name === 'Seedream');
		expect(Object.keys(tool.function.parameters.properties).sort()).toEqual(['aspectRatio', 'prompt']);
		const job = sim.jobs().find((j) => j.prompt === AGENT_TOOL_ARGS.prompt);
		expect(job).toMatchObject({ status: 'COMPLETED', width: 2560, height: 1440, params: { aspect_ratio: '16:9' } });
		const answer: string = outputItems(result.json, 'AI Agent')[0].json.output;
		expect(answer).toContain(job!.result!.images[0]);
		// The tool ran Generate's custom operation (a routed request would carry no key and not wait).
		const toolNodeId = agentRun.nodes.find((n: any) => n.name === 'Seedream').id;
		expect(job!.idempotencyKey).toMatch(new RegExp(`^n8n-[0-9a-f]{12}-seedreamAgentRun-\\d+-${toolNodeId}-r0-i0$`));
	});

	describe('the editor in headless Chromium', () => {
		let editor: EditorSession | undefined;
		beforeAll(async () => {
			assertChromium();
			editor = await timed('browser login', () => openEditor(instance));
		});
		afterAll(async () => {
			await editor?.close();
		});

		it('draws the Seedream Tool with its icon in the AI agent example', async () => {
			const node = await openWorkflow(editor!.page, instance.baseUrl, examples.aiAgent.id, 'Seedream');
			expect(await nodeIcon(node)).toEqual({ src: expect.stringContaining('seedream.svg'), loaded: true });
			await expect(canvasNode(editor!.page, 'AI Agent').count()).resolves.toBe(1);
		});

		it('shows the Seedream node with its icon, opens its panel and its parameters', async () => {
			const { page } = editor!;
			const node = await timed('open workflow', () => openWorkflow(page, instance.baseUrl, examples.csvImages.id, 'Seedream'));
			// The icon file n8n serves for the package, decoded by the browser: not the "?" fallback.
			expect(await nodeIcon(node)).toEqual({ src: '/icons/n8n-nodes-seedream/dist/nodes/Seedream/seedream.svg', loaded: true });
			fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
			await page.screenshot({ path: CANVAS_SCREENSHOT });
			await node.dblclick();
			const ndv = page.locator('[data-test-id="ndv"]');
			await ndv.locator('[data-test-id="parameter-input-prompt"]').waitFor();
			await expect(ndv.locator('[data-test-id="node-title-container"]').innerText()).resolves.toContain('Seedream');
			expect(await panelLabels(page)).toEqual(expect.arrayContaining(['Credential', 'Resource', 'Operation', 'Prompt', 'Aspect Ratio', 'Size', 'Wait for Completion', 'Options']));
			// The imported credential is selected (shown as the value of the credential select).
			await expect(ndv.locator('input').evaluateAll((els: any[]) => els.map((e) => e.value))).resolves.toContain('Apiframe account');

			await addCollectionOption(page, 'Guidance Scale');
			await ndv.locator('[data-test-id="parameter-input-guidanceScale"]').waitFor();
			expect(await panelLabels(page)).toContain('Guidance Scale');
			await ndv.locator('[data-test-id="parameter-input-guidanceScale"]').scrollIntoViewIfNeeded();
			await page.mouse.move(1, 1); // no hover toolbar in the picture
			await page.waitForTimeout(500); // let the panel finish its transition so the picture is whole
			await page.screenshot({ path: SCREENSHOT });
			expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
		});
	});
});
