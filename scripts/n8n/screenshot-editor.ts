/**
 * Logs into a throwaway real n8n with headless Debian Chromium and screenshots the workflow list.
 * Proof that the editor can be driven for issue 5's browser test; see scripts/n8n/EDITOR.md.
 *
 *   PLAYWRIGHT_CORE_DIR=/tmp/pw/node_modules/playwright-core \
 *     npx ts-node --transpile-only scripts/n8n/screenshot-editor.ts [out.png] [packageDir]
 *
 * playwright-core is not a dependency of this package (see EDITOR.md), so it is loaded from
 * PLAYWRIGHT_CORE_DIR or from normal module resolution.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { createInstance, destroyInstance, importWorkflow, prepareN8n, start, stopAll } from '../../test/e2e/n8n';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Flags checked on this machine (n8n-notes.md): no sandbox as root, no background traffic.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function loadPlaywright(): any {
	return require(process.env.PLAYWRIGHT_CORE_DIR || 'playwright-core');
}

/** An empty community package, for when the real one is not built yet. */
function placeholderPackage(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-placeholder-'));
	const pkg = { name: 'n8n-nodes-seedream', version: '0.0.0', n8n: { n8nNodesApiVersion: 1, nodes: [], credentials: [] } };
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
	return dir;
}

const demoWorkflow = {
	id: 'editorShot00001',
	name: 'Seedream editor screenshot',
	nodes: [
		{ id: '6f0d9c1e-0000-4000-8000-000000000001', name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
	],
	connections: {},
};

async function main(): Promise<void> {
	const out = path.resolve(process.argv[2] || '/tmp/n8n-editor.png');
	const packageDir = process.argv[3] ? path.resolve(process.argv[3]) : placeholderPackage();
	const { chromium } = loadPlaywright();
	const instance = await createInstance({ packageDir, paths: await prepareN8n() });
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-n8n-'));
	let context: any;
	try {
		await importWorkflow(instance, demoWorkflow);
		const baseUrl = await start(instance);
		console.log(`n8n ready at ${baseUrl}`);
		// A persistent context gives Chromium its own fresh --user-data-dir, as the notes advise.
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: { width: 1440, height: 900 },
		});
		const page = context.pages()[0] ?? (await context.newPage());
		// Log in through the real sign-in form: n8n binds its auth cookie to the browser-id the
		// frontend keeps in localStorage, so a cookie made outside the browser would be refused.
		await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(instance.owner.email);
		await page.locator('input[type="password"]').first().fill(instance.owner.password);
		await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
		await page.waitForURL((url: URL) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
		await page.goto(`${baseUrl}/home/workflows`, { waitUntil: 'domcontentloaded' });
		await page.getByText(demoWorkflow.name).first().waitFor({ timeout: 60_000 });
		await page.waitForTimeout(1_000); // let fonts and icons settle so the picture is not half-drawn
		await page.screenshot({ path: out });
		console.log(`screenshot: ${out}`);
	} finally {
		if (context) await context.close();
		await destroyInstance(instance);
		await stopAll();
		fs.rmSync(userDataDir, { recursive: true, force: true });
		if (!process.argv[3]) fs.rmSync(packageDir, { recursive: true, force: true });
	}
}

main().catch((err) => {
	console.error(err);
	process.exitCode = 1;
});
