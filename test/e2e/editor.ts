/**
 * Drives the real n8n editor with headless Debian Chromium through playwright-core (no Playwright
 * browser download: its CDN is out of reach here). Selectors checked against the 2.41.1 editor;
 * background in scripts/n8n/EDITOR.md.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { N8nInstance } from './n8n';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Flags checked on this machine (n8n-notes.md): no sandbox as root, no background traffic.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface EditorSession {
	page: any;
	close(): Promise<void>;
}

/** Fails loudly rather than skipping: the editor check is part of the suite on every machine. */
export function assertChromium(): void {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
	}
}

/**
 * Opens Chromium and logs in through the sign-in form: n8n binds its auth cookie to the
 * browser-id the frontend keeps in localStorage, so a cookie made outside the browser is refused.
 */
export async function openEditor(instance: N8nInstance): Promise<EditorSession> {
	assertChromium();
	const { chromium } = require('playwright-core');
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-n8n-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1440, height: 900 },
	});
	const close = async () => {
		await context.close().catch(() => undefined);
		fs.rmSync(userDataDir, { recursive: true, force: true });
	};
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		page.setDefaultTimeout(60_000);
		await page.goto(`${instance.baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"]').first().fill(instance.owner.email);
		await page.locator('input[type="password"]').first().fill(instance.owner.password);
		await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
		await page.waitForURL((url: URL) => !url.pathname.startsWith('/signin'));
		return { page, close };
	} catch (err) {
		await close();
		throw err;
	}
}

export function canvasNode(page: any, name: string): any {
	return page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
}

/** Opens a workflow and waits until its canvas has drawn the named node. */
export async function openWorkflow(page: any, baseUrl: string, workflowId: string, nodeName: string): Promise<any> {
	await page.goto(`${baseUrl}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded' });
	const node = canvasNode(page, nodeName);
	await node.waitFor();
	return node;
}

/**
 * The node's icon as drawn on the canvas: the <img> src and whether the browser decoded it.
 * Unknown types and nodes without an icon get a "?" placeholder instead of an <img>.
 */
export async function nodeIcon(node: any): Promise<{ src: string | null; loaded: boolean }> {
	const img = node.locator('img').first();
	if ((await img.count()) === 0) return { src: null, loaded: false };
	await img.waitFor();
	// naturalWidth stays 0 until the image has actually loaded (or for a broken image).
	await node.page().waitForFunction((el: any) => el.complete, await img.elementHandle(), { timeout: 10_000 });
	return { src: await img.getAttribute('src'), loaded: await img.evaluate((el: any) => el.naturalWidth > 0) };
}

/** Labels of the parameters shown in the open node panel (NDV), in order. */
export async function panelLabels(page: any): Promise<string[]> {
	const labels: string[] = await page.locator('[data-test-id="ndv"] label.n8n-input-label').allInnerTexts();
	// A hovered label also holds its "Fixed / Expression" switch: keep the first line, the name.
	return labels.map((l) => l.split('\n')[0].trim()).filter(Boolean);
}

/** Adds one option of a collection (e.g. "Guidance Scale" under Options) through its "Add Option" select. */
export async function addCollectionOption(page: any, optionName: string): Promise<void> {
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.locator('[data-test-id="collection-parameter-add"]').first().click();
	// Every collection keeps its (hidden) dropdown in the DOM: pick from the one just opened.
	await page.locator('[data-test-id="collection-parameter-option"]:visible', { hasText: optionName }).first().click();
}
