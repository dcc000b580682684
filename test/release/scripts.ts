/** Runs the release scripts (scripts/release/*.mjs) as npm and GitHub Actions would: a child process, a chosen environment. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const PACKAGE_VERSION: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

export interface ScriptResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

type Env = Record<string, string | undefined>;

/**
 * A developer's laptop: this process's environment without what GitHub Actions, npm or an
 * enclosing git command would set (the suite may itself run in CI, or from a git hook).
 * `extra` adds variables; an undefined value removes one.
 */
export function laptopEnv(extra: Env = {}): Record<string, string> {
	const env: Env = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (/^(GITHUB_|ACTIONS_|RUNNER_|npm_|NPM_CONFIG_|GIT_|NODE_AUTH_TOKEN$|CI$)/i.test(name)) continue;
		env[name] = value;
	}
	Object.assign(env, extra);
	return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The publish job of .github/workflows/publish.yml, run for the tag `v<version>`, npm 11 with provenance on. */
export function actionsEnv(version: string, extra: Env = {}): Record<string, string> {
	return laptopEnv({
		GITHUB_ACTIONS: 'true',
		GITHUB_REF_TYPE: 'tag',
		GITHUB_REF_NAME: `v${version}`,
		GITHUB_WORKFLOW_REF: `n8n-nodes-seedream/n8n-nodes-seedream/.github/workflows/publish.yml@refs/tags/v${version}`,
		// What `permissions: id-token: write` gives a job (values made up: nothing asks for a token here).
		ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.example/oidc/token',
		ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-a-real-token',
		npm_config_user_agent: 'npm/11.6.2 node/v24.9.0 linux x64 workspaces/false ci/github-actions',
		npm_config_provenance: 'true',
		...extra,
	});
}

export function runNode(script: string, args: string[], opts: { env: Record<string, string>; cwd?: string }): Promise<ScriptResult> {
	return new Promise((resolve) => {
		execFile(process.execPath, [script, ...args], { cwd: opts.cwd ?? ROOT, env: opts.env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
			resolve({ code, stdout, stderr });
		});
	});
}

/** A temporary folder, removed after the suite. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
	const dir = mkdtempSync(path.join(tmpdir(), prefix));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
