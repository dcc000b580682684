/**
 * scripts/release/lint-workflows.mjs (part of `npm run lint`): the real workflows pass, and each
 * one-character slip a human could make in them fails with the line and the reason. The fixtures
 * are the real workflow files with one typo each, so they stay in step with the files they guard.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { laptopEnv, ROOT, runNode, tempDir } from './scripts';

const LINT = path.join(ROOT, 'scripts/release/lint-workflows.mjs');
const WORKFLOWS = path.join(ROOT, '.github/workflows');

interface Typo {
	name: string;
	workflow: string;
	from: string;
	to: string;
	/** The finding's text after `file:line:column: `. */
	message: string;
}

const TYPOS: Typo[] = [
	{
		name: 'id-token: writ',
		workflow: 'publish.yml',
		from: '      id-token: write\n',
		to: '      id-token: writ\n',
		message: '"writ" is invalid for permission of scope "id-token". available values are "read", "write" or "none" [permissions]',
	},
	{
		name: 'pull_requets',
		workflow: 'ci.yml',
		from: '  pull_request:\n',
		to: '  pull_requets:\n',
		message: 'unknown Webhook event "pull_requets". see https://docs.github.com/en/actions/learn-github-actions/events-that-trigger-workflows#webhook-events for list of all Webhook event names [events]',
	},
	{
		name: 'registy-url (an input setup-node does not declare)',
		workflow: 'publish.yml',
		from: '          registry-url: ',
		to: '          registy-url: ',
		message: 'input "registy-url" is not an input of actions/setup-node: expected one of node-version, node-version-file, architecture, check-latest, registry-url, scope, token, cache, package-manager-cache, cache-dependency-path, mirror, mirror-token [uses]',
	},
	{
		name: 'an action pinned to a tag, not a commit',
		workflow: 'publish.yml',
		from: 'uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
		to: 'uses: actions/checkout@v7',
		message: '"actions/checkout@v7": pin actions/checkout to a full commit SHA (with the version in a comment) [uses]',
	},
];

describe('lint-workflows', () => {
	let tmp: ReturnType<typeof tempDir>;
	beforeAll(() => (tmp = tempDir('workflow-typos-')));
	afterAll(() => tmp.remove());

	it('passes the real workflows (exit 0)', async () => {
		const count = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).length;
		const r = await runNode(LINT, [], { env: laptopEnv() });
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(new RegExp(`^lint-workflows: ${count} workflow file\\(s\\) OK: actionlint, pinned actions and their inputs \\(\\d+\\.\\d s\\)\\n$`));
	});

	it.each(TYPOS)('fails $workflow with $name (exit 1), naming the line and the problem', async (typo) => {
		const original = readFileSync(path.join(WORKFLOWS, typo.workflow), 'utf8');
		// Exactly one place to break, so the finding's line is known.
		expect(original.split(typo.from)).toHaveLength(2);
		const text = original.replace(typo.from, typo.to);
		const line = text.slice(0, text.indexOf(typo.to)).split('\n').length;
		const file = path.join(tmp.dir, `${path.basename(typo.workflow, '.yml')}-${TYPOS.indexOf(typo)}.yml`);
		writeFileSync(file, text);

		const r = await runNode(LINT, [file], { env: laptopEnv() });
		expect(r.code).toBe(1);
		expect(r.stdout).toBe('');
		const findings = r.stderr.split('\n').filter((l) => /^\S.*:\d+:\d+: /.test(l));
		expect(findings).toHaveLength(1);
		expect(findings[0]).toMatch(new RegExp(`${path.basename(file).replace('.', '\\.')}:${line}:\\d+: `));
		expect(findings[0].slice(findings[0].indexOf(': ') + 2)).toBe(typo.message);
		expect(r.stderr).toMatch(/\nlint-workflows: 1 problem in 1 workflow file\(s\) \(\d+\.\d s\)\n$/);
	});
});
