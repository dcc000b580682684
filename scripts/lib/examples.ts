/**
 * The example workflows in examples/, made ready for a throwaway n8n: the demo, `npm run dev` and
 * the e2e tests all import the very files users import, and only fill in the places that depend
 * on the machine (file paths, the Slack stand-in's URL, the WordPress site, the n8n base URL for
 * the webhook pair).
 */
import * as fs from 'fs';
import * as path from 'path';

import type { N8nCredential } from '../../test/e2e/n8n';
import { imageSize } from '../../test/support/imageSize';

export const ROOT_DIR = path.resolve(__dirname, '../..');
export const EXAMPLES_DIR = path.join(ROOT_DIR, 'examples');
export const PROMPTS_CSV = path.join(EXAMPLES_DIR, 'prompts.csv');

/** Every example refers to this credential by id and name. */
export const CREDENTIAL_ID = 'apiframeAccount01';
export const CREDENTIAL_NAME = 'Apiframe account';

/** The Seedream Trigger's webhookId in webhook-receive.json: its Production URL is /webhook/<id>/seedream. */
export const HOOK_WEBHOOK_ID = '5eedc0de-5eed-4eed-8eed-5eedc0de0001';

export const EXAMPLES = {
	csvImages: 'spreadsheet-to-images.json',
	csvSlack: 'spreadsheet-to-slack.json',
	csvSlackNode: 'spreadsheet-to-slack-node.json',
	csvWordpress: 'spreadsheet-to-wordpress.json',
	hookSubmit: 'webhook-submit.json',
	hookReceive: 'webhook-receive.json',
	aiAgent: 'ai-agent-tool.json',
} as const;
export type ExampleName = keyof typeof EXAMPLES;

export type Workflow = { id: string; name: string; nodes: any[]; connections: Record<string, any>; [k: string]: any };

export function apiframeCredential(baseUrl: string, apiKey: string): N8nCredential {
	return { id: CREDENTIAL_ID, name: CREDENTIAL_NAME, type: 'apiframeApi', data: { apiKey, baseUrl } };
}

export function loadExample(name: ExampleName): Workflow {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, EXAMPLES[name]), 'utf8'));
}

export function findNode(wf: Workflow, name: string): any {
	const node = wf.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`${wf.name}: no node named '${name}'`);
	return node;
}

/** Sets one field of a Set node ("Settings") without changing the rest. */
export function setAssignment(wf: Workflow, nodeName: string, field: string, value: string): void {
	const list: any[] = findNode(wf, nodeName).parameters.assignments.assignments;
	const entry = list.find((a) => a.name === field);
	if (!entry) throw new Error(`${wf.name}: node '${nodeName}' has no field '${field}'`);
	entry.value = value;
}

/** The Seedream Trigger's Production URL on an n8n at `n8nBaseUrl` (WEBHOOK_URL). */
export function hookUrl(n8nBaseUrl: string): string {
	return `${n8nBaseUrl.replace(/\/+$/, '')}/webhook/${HOOK_WEBHOOK_ID}/seedream`;
}

export interface ExampleTargets {
	csvPath?: string;
	/** Absolute folder the images are written to. */
	outputDir: string;
	/** Where "Post to Slack" sends its multipart uploads (the capture endpoint in tests and dev). */
	slackUrl: string;
	/** The n8n the webhook pair runs on. */
	n8nBaseUrl: string;
	/** The WordPress site the WordPress example uploads to (its "Settings" keep the placeholder without it). */
	wordpressUrl?: string;
}

/** All examples with machine-specific values filled in, keyed like EXAMPLES. */
export function prepareExamples(t: ExampleTargets): Record<ExampleName, Workflow> {
	const csvPath = t.csvPath ?? PROMPTS_CSV;
	const csvImages = loadExample('csvImages');
	setAssignment(csvImages, 'Settings', 'csvPath', csvPath);
	setAssignment(csvImages, 'Settings', 'outputDir', t.outputDir);
	const csvSlack = loadExample('csvSlack');
	setAssignment(csvSlack, 'Settings', 'csvPath', csvPath);
	findNode(csvSlack, 'Post to Slack').parameters.url = t.slackUrl;
	const csvSlackNode = loadExample('csvSlackNode');
	setAssignment(csvSlackNode, 'Settings', 'csvPath', csvPath);
	const csvWordpress = loadExample('csvWordpress');
	setAssignment(csvWordpress, 'Settings', 'csvPath', csvPath);
	if (t.wordpressUrl) setAssignment(csvWordpress, 'Settings', 'wordpressUrl', t.wordpressUrl);
	const hookSubmit = loadExample('hookSubmit');
	findNode(hookSubmit, 'Seedream').parameters.options.webhookUrl = hookUrl(t.n8nBaseUrl);
	const hookReceive = loadExample('hookReceive');
	findNode(hookReceive, 'Post to Slack').parameters.url = t.slackUrl;
	return { csvImages, csvSlack, csvSlackNode, csvWordpress, hookSubmit, hookReceive, aiAgent: loadExample('aiAgent') };
}

/** n8n 2.x reads and writes files only below N8N_RESTRICT_FILE_ACCESS_TO (default ~/.n8n-files). */
export function fileAccessEnv(...dirs: string[]): Record<string, string> {
	return { N8N_RESTRICT_FILE_ACCESS_TO: dirs.map((d) => path.resolve(d)).join(';') };
}

/** The rows of prompts.csv (a plain two-column file: quoted prompts, no embedded quotes). */
export function readPrompts(csvPath = PROMPTS_CSV): Array<{ row: string; prompt: string }> {
	const lines = fs.readFileSync(csvPath, 'utf8').trim().split(/\r?\n/).slice(1);
	return lines.map((line) => {
		const m = /^([^,]*),"?(.*?)"?$/.exec(line)!;
		return { row: m[1], prompt: m[2] };
	});
}

export interface ImageRow {
	row: string;
	prompt: string;
	jobId: string;
	file: string;
	format: string;
	width: number;
	height: number;
	/** From the job's createdAt to completedAt, as the API reports them. */
	jobSeconds?: number;
}

const nodeItems = (runData: any, node: string): any[] => runData?.[node]?.[0]?.data?.main?.[0] ?? [];

/** What the CSV workflow produced, from `execute --rawOutput` run data plus the files on disk. */
export function imageRows(runJson: any, csvPath = PROMPTS_CSV): ImageRow[] {
	const runData = runJson?.data?.resultData?.runData;
	const prompts = readPrompts(csvPath);
	return nodeItems(runData, 'Write image files').map((item: any) => {
		const json = item.json;
		const file: string = json.fileName;
		const size = imageSize(fs.readFileSync(file));
		const row = String(Number(/row-(\d+)\./.exec(file)?.[1] ?? NaN));
		const created = Date.parse(json.createdAt);
		const completed = Date.parse(json.completedAt);
		return {
			row,
			prompt: prompts.find((p) => p.row === row)?.prompt ?? '',
			jobId: json.jobId,
			file,
			...size,
			jobSeconds: Number.isFinite(created) && Number.isFinite(completed) ? (completed - created) / 1000 : undefined,
		};
	});
}

/** The message of the first node error in `execute --rawOutput` JSON, if any. */
export function runError(runJson: any): string | undefined {
	const err = runJson?.data?.resultData?.error;
	return err ? `${err.node?.name ?? ''}: ${err.message}${err.description ? ` (${err.description})` : ''}` : undefined;
}
