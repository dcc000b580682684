/**
 * The examples that post to other services, in a real n8n 2.41.1 (one instance for the file):
 *
 * - `spreadsheet-to-slack-node.json` uses n8n's own Slack node (File → Upload). Real Slack is out
 *   of reach here, so this checks what can be checked offline: n8n imports it, knows every node
 *   type, and the editor draws the Slack node and opens its File → Upload fields.
 * - `spreadsheet-to-wordpress.json` runs for real (`n8n execute`) against the Apiframe simulator
 *   and a WordPress REST stand-in (scripts/lib/wordpressStandIn.ts) that checks Basic auth with an
 *   application password, the MIME type, the file name and the bytes, as WordPress does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { EXAMPLES_DIR, fileAccessEnv, findNode, prepareExamples, readPrompts, runError, setAssignment, type ExampleName, type Workflow } from '../../scripts/lib/examples';
import { DEMO_SIMULATOR, importWorkflows, startStack, type Stack } from '../../scripts/lib/stack';
import { startWordpressStandIn, type WordpressStandIn } from '../../scripts/lib/wordpressStandIn';
import { startSimulator, type Simulator } from '../simulator';
import { download } from '../support/http';
import { imageSize } from '../support/imageSize';
import { stopwatch } from '../support/waiting';
import { assertChromium, canvasNode, nodeIcon, openEditor, openWorkflow, panelLabels, type EditorSession } from './editor';
import { execute, prepareN8n, rest, start, type N8nInstance } from './n8n';

const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');
const SLACK_SCREENSHOT = path.join(ARTIFACTS_DIR, 'editor-slack-upload.png');

const WP_USER = 'seedream-bot';
const WP_APP_PASSWORD = 'abcd EFGH 1234 ijkl MNOP 5678'; // as WordPress shows an application password
const SLACK_CREDENTIAL = { id: 'slackAccount01', name: 'Slack account', type: 'slackApi' };
const WP_CREDENTIAL = { id: 'wordpressAccount01', name: 'WordPress account', type: 'wordpressApi' };
const WP_WRONG_CREDENTIAL = { id: 'wordpressWrongPw01', name: 'WordPress (wrong password)', type: 'wordpressApi' };

const { timings, timed } = stopwatch();

const outputItems = (runJson: any, node: string): any[] => runJson?.data?.resultData?.runData?.[node]?.[0]?.data?.main?.[0] ?? [];

/** A file as the bytes its server sends (the simulator's "CDN" has no auth). */
const cdnBytes = async (url: string) => (await download(url, { timeout: 30_000 })).bytes;

describe('the Slack-node and WordPress examples in a real n8n 2.41.1', () => {
	let sim: Simulator;
	let wordpress: WordpressStandIn;
	let stack: Stack | undefined;
	let instance: N8nInstance;
	let examples: Record<ExampleName, Workflow>;
	let wrongPassword: Workflow;
	let tmpDir: string;
	const prompts = readPrompts();

	beforeAll(async () => {
		const paths = await timed('prepareN8n', () => prepareN8n());
		sim = await startSimulator({ host: '127.0.0.1', port: 0, ...DEMO_SIMULATOR });
		wordpress = await startWordpressStandIn({ username: WP_USER, applicationPassword: WP_APP_PASSWORD });
		// The failing run needs only a row or two: a smaller CSV of its own.
		tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedream-examples-e2e-'));
		const twoRows = path.join(tmpDir, 'two-prompts.csv');
		fs.writeFileSync(twoRows, fs.readFileSync(path.join(EXAMPLES_DIR, 'prompts.csv'), 'utf8').trim().split(/\r?\n/).slice(0, 3).join('\n') + '\n');
		stack = await timed('createInstance+credentials', () =>
			startStack({
				api: { url: sim.url, apiKey: sim.apiKey, sim, label: 'simulator' },
				env: fileAccessEnv(EXAMPLES_DIR, tmpDir),
				instance: { paths },
				credentials: [
					{ ...SLACK_CREDENTIAL, data: { accessToken: 'xoxb-0000000000-not-a-real-token' } },
					{ ...WP_CREDENTIAL, data: { username: WP_USER, password: WP_APP_PASSWORD, url: wordpress.url } },
					{ ...WP_WRONG_CREDENTIAL, data: { username: WP_USER, password: 'wxyz WXYZ 0000 wxyz WXYZ 0000', url: wordpress.url } },
				],
			}),
		);
		instance = stack.instance;
		examples = prepareExamples({ outputDir: tmpDir, slackUrl: 'http://127.0.0.1:9/unused', n8nBaseUrl: instance.baseUrl, wordpressUrl: wordpress.url });
		wrongPassword = JSON.parse(JSON.stringify(examples.csvWordpress));
		Object.assign(wrongPassword, { id: 'seedreamCsvWpWrongPw', name: 'e2e: WordPress upload with a wrong application password' });
		setAssignment(wrongPassword, 'Settings', 'csvPath', twoRows);
		findNode(wrongPassword, 'Upload to WordPress').credentials = { wordpressApi: { id: WP_WRONG_CREDENTIAL.id, name: WP_WRONG_CREDENTIAL.name } };
		await timed('importWorkflows', () => importWorkflows(instance, [examples.csvSlackNode, examples.csvWordpress, wrongPassword]));
		await timed('start', () => start(instance));
	});

	afterAll(async () => {
		await stack?.close(); // n8n, its task runners, the instance folder and the simulator
		await wordpress?.close();
		if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
		console.log(`examples e2e timings (ms): ${JSON.stringify(timings)}`);
	});

	it('spreadsheet → WordPress: N rows become N media uploads with the right name, type and bytes', async () => {
		const result = await timed('execute csvWordpress', () => execute(instance, examples.csvWordpress.id));
		expect(runError(result.json)).toBeUndefined();
		expect(result.code).toBe(0);

		const uploads = wordpress.uploads;
		expect(uploads).toHaveLength(prompts.length);
		const jobs = new Map(sim.jobs().map((j) => [j.id, j]));
		for (const upload of uploads) {
			expect(upload.user).toBe(WP_USER);
			expect(upload.contentType).toBe('image/jpeg');
			const jobId = /^(.+)-1\.jpg$/.exec(upload.fileName)?.[1];
			expect(jobs.has(jobId!)).toBe(true); // the node's file name: <jobId>-1.jpg (its first image)
			// The very bytes the simulator served for that job.
			expect(upload.bytes.equals(await cdnBytes(jobs.get(jobId!)!.result!.images[0]))).toBe(true);
			expect(imageSize(upload.bytes)).toEqual({ format: 'jpg', width: 2048, height: 2048 });
		}
		expect(new Set(uploads.map((u) => u.fileName)).size).toBe(prompts.length);

		// Each item out carries its row, its job and the media WordPress created for it.
		const items = outputItems(result.json, 'Uploaded media').map((i) => i.json);
		expect(items).toHaveLength(prompts.length);
		expect(items.map((i) => i.row).sort()).toEqual(prompts.map((p) => p.row).sort());
		for (const item of items) {
			const upload = uploads.find((u) => u.id === item.mediaId);
			expect(upload).toBeDefined();
			expect(item).toMatchObject({ mediaUrl: upload!.sourceUrl, jobId: upload!.fileName.replace(/-1\.jpg$/, ''), width: 2048, height: 2048 });
			expect(jobs.get(item.jobId)?.prompt).toBe(prompts.find((p) => p.row === item.row)?.prompt);
		}
		expect(new Set(items.map((i) => i.mediaId)).size).toBe(prompts.length);
	});

	it('spreadsheet → WordPress with a wrong application password: the run fails with WordPress\'s 401', async () => {
		const before = wordpress.uploads.length;
		const rejectionsBefore = wordpress.rejections.length;
		const result = await timed('execute wrongPassword', () => execute(instance, wrongPassword.id));
		expect(result.code).not.toBe(0);
		const error = runError(result.json);
		expect(error).toMatch(/^Upload to WordPress: /);
		expect(error).toMatch(/Sorry, you are not allowed to create posts as this user/);
		expect(wordpress.uploads).toHaveLength(before);
		// n8n's HTTP Request sends its items' requests together: each of the two rows was refused.
		expect(wordpress.rejections.slice(rejectionsBefore)).toEqual(Array(2).fill({ status: 401, code: 'rest_cannot_create', path: '/wp-json/wp/v2/media' }));
	});

	it('the Slack-node example imports with n8n\'s Slack node, File → Upload of binary property data', async () => {
		const types: any[] = await rest(instance, 'GET', '/types/nodes.json');
		const byName = new Map(types.map((t) => [t.name, t]));
		const saved = await rest(instance, 'GET', `/rest/workflows/${examples.csvSlackNode.id}`);
		for (const n of saved.nodes) expect(byName.has(n.type)).toBe(true); // nothing shows as "?"
		const slack = saved.nodes.find((n: any) => n.name === 'Post to Slack');
		expect(slack).toMatchObject({
			type: 'n8n-nodes-base.slack',
			typeVersion: 2.7,
			parameters: { authentication: 'accessToken', resource: 'file', operation: 'upload', binaryPropertyName: 'data' },
			credentials: { slackApi: { id: SLACK_CREDENTIAL.id, name: SLACK_CREDENTIAL.name } },
		});
		// A versioned node is listed once per implementation (Slack V1, V2): 2.7 is among them.
		const versions = types.filter((t) => t.name === 'n8n-nodes-base.slack').flatMap((t) => [t.version].flat());
		expect(versions).toContain(2.7);
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

		it('draws the Slack node and opens its File → Upload fields', async () => {
			const { page } = editor!;
			const node = await timed('open workflow', () => openWorkflow(page, instance.baseUrl, examples.csvSlackNode.id, 'Post to Slack'));
			expect(await nodeIcon(node)).toMatchObject({ loaded: true });
			await expect(canvasNode(page, 'Seedream').count()).resolves.toBe(1);
			await node.dblclick();
			const ndv = page.locator('[data-test-id="ndv"]');
			await ndv.locator('[data-test-id="parameter-input-binaryPropertyName"]').waitFor();
			await expect(ndv.locator('[data-test-id="node-title-container"]').innerText()).resolves.toContain('Post to Slack');
			expect(await panelLabels(page)).toEqual(
				expect.arrayContaining(['Credential', 'Resource', 'Operation', 'File Property', 'Options', 'Channel Name or ID', 'Initial Comment']),
			);
			const values: string[] = await ndv.locator('input').evaluateAll((els: any[]) => els.map((e) => e.value));
			expect(values).toEqual(expect.arrayContaining(['File', 'Upload', 'data', 'Slack account']));
			fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
			await page.mouse.move(1, 1); // no hover toolbar in the picture
			await page.waitForTimeout(500); // let the panel finish its transition
			await page.screenshot({ path: SLACK_SCREENSHOT });
			expect(fs.statSync(SLACK_SCREENSHOT).size).toBeGreaterThan(10_000);
		});
	});
});
