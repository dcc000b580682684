/**
 * Proves the real-n8n harness (test/e2e/n8n.ts) on its own, with an empty placeholder package
 * in place of n8n-nodes-seedream: install (cached), CLI import + execute, server start, login,
 * executions list, stop. If this fails, the Seedream e2e tests cannot mean anything.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

import {
	createInstance,
	destroyInstance,
	execute,
	importCredentials,
	importWorkflow,
	listExecutions,
	login,
	prepareN8n,
	rest,
	start,
	stop,
	stopAll,
	testCredential,
	type N8nInstance,
} from './n8n';
import { stopwatch } from '../support/waiting';

const { timings, timed } = stopwatch();

const workflow = {
	id: 'smokeHelloWorld01',
	name: 'Smoke: hello world',
	nodes: [
		{
			id: 'a1b2c3d4-0000-4000-8000-000000000001',
			name: 'Manual Trigger',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'a1b2c3d4-0000-4000-8000-000000000002',
			name: 'Set Hello',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [220, 0],
			parameters: {
				mode: 'manual',
				assignments: { assignments: [{ id: 'f1', name: 'hello', value: 'world', type: 'string' }] },
				options: {},
			},
		},
	],
	connections: { 'Manual Trigger': { main: [[{ node: 'Set Hello', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

describe('real n8n harness (smoke)', () => {
	let packageDir: string;
	let instance: N8nInstance | undefined;
	// Stands in for an API: n8n's built-in GitHub credential tests itself with GET <server>/user.
	const api = http.createServer((req, res) => {
		const ok = req.url === '/user' && req.headers.authorization === 'token good-token';
		res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { login: 'me' } : { message: 'Bad credentials' }));
	});

	beforeAll(async () => {
		// The real package is not necessarily built here: an empty community package is enough to
		// prove that n8n starts with something linked into .n8n/nodes/node_modules.
		packageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-placeholder-'));
		fs.writeFileSync(
			path.join(packageDir, 'package.json'),
			JSON.stringify({ name: 'n8n-nodes-seedream', version: '0.0.0', n8n: { n8nNodesApiVersion: 1, nodes: [], credentials: [] } }),
		);
		const paths = await timed('prepareN8n', () => prepareN8n());
		instance = await timed('createInstance', () => createInstance({ packageDir, paths }));
		await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
	});

	afterAll(async () => {
		if (instance) await destroyInstance(instance);
		await stopAll();
		api.close();
		fs.rmSync(packageDir, { recursive: true, force: true });
		console.log(`n8n smoke timings (ms): ${JSON.stringify(timings)}`);
	});

	it('links the package where n8n looks for community nodes', () => {
		const link = path.join(instance!.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-seedream');
		expect(fs.realpathSync(link)).toBe(fs.realpathSync(packageDir));
	});

	it('imports and executes a workflow headless', async () => {
		const id = await timed('importWorkflow', () => importWorkflow(instance!, workflow));
		expect(id).toBe(workflow.id);
		const result = await timed('execute', () => execute(instance!, id));
		expect(result.code).toBe(0);
		expect(result.json).toBeDefined();
		const runData = result.json.data.resultData.runData;
		expect(runData['Set Hello'][0].data.main[0][0].json).toEqual({ hello: 'world' });
	});

	it('starts the server, logs in, lists the execution, stops', async () => {
		const baseUrl = await timed('start', () => start(instance!));
		expect(baseUrl).toBe(`http://127.0.0.1:${instance!.port}`);
		const cookie = await login(instance!);
		expect(cookie).toMatch(/^n8n-auth=/);

		const me = await rest(instance!, 'GET', '/rest/login'); // the current user
		expect(me.email).toBe(instance!.owner.email);

		const executions = await listExecutions(instance!, { workflowId: workflow.id });
		expect(executions.length).toBeGreaterThanOrEqual(1);
		expect(executions[0]).toMatchObject({ workflowId: workflow.id, status: 'success' });

		// The route the editor uses to test a credential, with the stored data and with an override.
		const { port } = api.address() as { port: number };
		const credential = { id: 'smokeGithubCred1', name: 'Smoke GitHub', type: 'githubApi', data: { server: `http://127.0.0.1:${port}`, user: 'me', accessToken: 'good-token' } };
		await importCredentials(instance!, [credential]);
		expect(await testCredential(instance!, credential.id)).toMatchObject({ status: 'OK' });
		expect(await testCredential(instance!, credential.id, { accessToken: 'bad-token' })).toMatchObject({ status: 'Error' });

		const pid = instance!.process!.pid!;
		await timed('stop', () => stop(instance!));
		expect(() => process.kill(-pid, 0)).toThrow(); // the whole process group is gone
	});
});
