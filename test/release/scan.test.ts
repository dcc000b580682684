/**
 * scripts/release/scan.mjs, the lint legs of n8n's @n8n/scan-community-package, on a tiny package
 * written for each test: clean it passes, and what n8n's scanner forbids in node code (a
 * `setTimeout`, a `console.log`) fails it, also with an `eslint-disable` comment (the scanner
 * ignores inline config). The legs on this repository run in `npm run scan` and CI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { laptopEnv, ROOT, runNode, tempDir } from './scripts';

const SCAN = path.join(ROOT, 'scripts/release/scan.mjs');

const PACKAGE_JSON = {
	name: 'n8n-nodes-demo',
	version: '0.1.0',
	description: 'A package for the scanner test',
	keywords: ['n8n-community-node-package'],
	license: 'MIT',
	homepage: 'https://github.com/example/n8n-nodes-demo',
	author: { name: 'Test', email: 'test@example.com' },
	repository: { type: 'git', url: 'https://github.com/example/n8n-nodes-demo.git' },
	main: 'index.js',
	files: ['dist'],
	n8n: { n8nNodesApiVersion: 1, strict: true, credentials: [], nodes: ['dist/nodes/Demo/Demo.node.js'] },
	peerDependencies: { 'n8n-workflow': '*' },
};

const CLEAN_SOURCE = `import { sleep } from 'n8n-workflow';

export async function pause(ms: number): Promise<void> {
	await sleep(ms);
}
`;
const FORBIDDEN_SOURCE = `// eslint-disable-next-line
export async function pause(ms: number): Promise<void> {
	// eslint-disable-next-line
	await new Promise((resolve) => setTimeout(resolve, ms));
	console.log('paused');
}
`;
const FORBIDDEN_BUILT = `"use strict";
exports.pause = async (ms) => { console.log('paused'); await new Promise((resolve) => setTimeout(resolve, ms)); };
`;

describe("scan.mjs (the lint legs of n8n's scanner) on a fixture package", () => {
	let tmp: ReturnType<typeof tempDir>;
	beforeAll(() => (tmp = tempDir('scan-test-')));
	afterAll(() => tmp.remove());

	/** A package folder with package.json and one file. */
	function fixture(name: string, file: string, text: string): string {
		const dir = path.join(tmp.dir, name);
		mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(PACKAGE_JSON, null, 2)}\n`);
		writeFileSync(path.join(dir, file), text);
		return dir;
	}
	const scan = (args: string[]) => runNode(SCAN, args, { env: laptopEnv() });

	it('passes a clean source (exit 0)', async () => {
		const r = await scan(['--source', fixture('clean', 'nodes/Demo/wait.ts', CLEAN_SOURCE)]);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/\nscan: PASS source: 2 files \(package\.json, \{nodes,credentials\}\/\*\*\/\*\.\{js,ts,json\}\) \(\d+\.\d s\)\n/);
		expect(r.stdout).toMatch(/\nscan: the leg passes: n8n's scanner finds nothing \(\d+\.\d s\)\n$/);
	});

	it('fails a node source with setTimeout and console.log (exit 1), eslint-disable or not', async () => {
		const r = await scan(['--source', fixture('forbidden', 'nodes/Demo/wait.ts', FORBIDDEN_SOURCE)]);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/\nscan: FAIL source: 2 files \(.*\) \(\d+\.\d s\): ESLint violations found, 2 error\(s\), 0 warning\(s\)\n/);
		expect(r.stdout).toContain('\nnodes/Demo/wait.ts\n');
		expect(r.stdout).toMatch(/ 4:\d+ +error +Use of restricted global 'setTimeout' is not allowed\. Use the 'sleep' helper from 'n8n-workflow' instead +@n8n\/community-nodes\/no-restricted-globals\n/);
		expect(r.stdout).toMatch(/ 5:\d+ +error +Unexpected console statement +no-console\n/);
		expect(r.stdout).toMatch(/\nscan: 1 of 1 legs failed: n8n's verification would reject this package \(\d+\.\d s\)\n$/);
	});

	it("fails the same in a tarball's built .js (exit 1)", async () => {
		const r = await scan(['--tarball', fixture('forbidden-built', 'dist/nodes/Demo/wait.js', FORBIDDEN_BUILT)]);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/\nscan: FAIL tarball forbidden-built: 2 files \(\*\*\/\*\.js, package\.json\) \(\d+\.\d s\): ESLint violations found, 2 error\(s\), 0 warning\(s\)\n/);
		expect(r.stdout).toContain('\ntarball:dist/nodes/Demo/wait.js\n');
		expect(r.stdout).toContain('@n8n/community-nodes/no-restricted-globals');
		expect(r.stdout).toContain('no-console');
	});

	it('fails a leg that finds nothing to lint (exit 1): it would prove nothing', async () => {
		const dir = path.join(tmp.dir, 'empty');
		mkdirSync(dir);
		writeFileSync(path.join(dir, 'README.md'), '# no package.json, no nodes\n');
		const r = await scan(['--source', dir]);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/\nscan: FAIL source: 0 files \(.*\) \(\d+\.\d s\): No files found to analyze\n/);
	});

	it('stops with exit 2 when the folder to scan does not exist', async () => {
		const r = await scan(['--source', path.join(tmp.dir, 'missing')]);
		expect(r).toEqual({ code: 2, stdout: '', stderr: `scan: --source needs a folder (got ${path.join(tmp.dir, 'missing')})\n` });
	});
});
