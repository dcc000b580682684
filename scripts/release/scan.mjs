#!/usr/bin/env node
// `npm run scan`: the lint legs of n8n's own gate for community packages, run here before a release.
//
// n8n's @n8n/scan-community-package (`npx @n8n/scan-community-package n8n-nodes-seedream`) takes a
// published version, checks its npm provenance, downloads the source at the commit the provenance
// names and the tarball, and lints both with inline `eslint-disable` comments ignored:
//   - the source:  package.json and {nodes,credentials}/**/*.{js,ts,json}
//   - the tarball: every .js file and package.json
// This script runs those two legs through the scanner's own `analyzePackage` (pinned devDependency,
// no network): the source leg on the files git would commit (tracked and new, not ignored), the
// tarball leg on what `npm pack` makes from dist/ (build first: `npm run scan` does).
// The provenance leg needs a real publish from GitHub Actions (docs/releasing.md).
//
// `--source <dir>` and/or `--tarball <dir>` lint those folders instead (a package unpacked by hand,
// a test's fixture); only the legs named run then.
//
// Exit code: 0 when every leg passes, 1 on any finding, 2 when the scan could not run.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(path.join(os.tmpdir(), 'seedream-scan-'));
// The scanner makes a temporary folder when it is imported and never removes it: give it ours.
process.env.TMPDIR = work;
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function abort(message) {
	console.error(`scan: ${message}`);
	process.exit(2);
}
function run(cmd, args, cwd = root) {
	const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
	if (r.status !== 0) abort(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal}):\n${r.stderr || r.stdout}`);
	return r.stdout;
}

/** A copy of what git would commit: tracked files plus new ones, without ignored ones. */
function sourceTree() {
	const dir = path.join(work, 'source');
	const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
		.split('\0')
		// Regular files only: not files deleted but not yet committed, not a symlinked node_modules.
		.filter((f) => f && existsSync(path.join(root, f)) && statSync(path.join(root, f)).isFile());
	for (const file of files) {
		mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		copyFileSync(path.join(root, file), path.join(dir, file));
	}
	return dir;
}

/** `npm pack` of the package as it is now (dist/ must be built), unpacked. */
function tarballTree() {
	const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	const missing = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])].filter((f) => !existsSync(path.join(root, f)));
	if (missing.length > 0) abort(`not built (${missing.join(', ')} missing): run \`npm run build\` first`);
	const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work]));
	const tarball = path.join(work, packed[0].filename);
	const dir = path.join(work, 'tarball');
	mkdirSync(dir);
	run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return { dir, name: packed[0].filename, files: packed[0].entryCount, size: packed[0].size };
}

/** How many files under dir a leg's patterns take in (for the summary line only). */
function countFiles(dir, test) {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
		.filter((f) => !f.split(path.sep).includes('node_modules') && test(f.split(path.sep).join('/'))).length;
}

function problemCount(details = '') {
	const summary = /(\d+) problems? \((\d+) errors?, (\d+) warnings?\)/.exec(details.replace(/\x1b\[[0-9;]*m/g, ''));
	return summary ? `${summary[2]} error(s), ${summary[3]} warning(s)` : 'findings';
}

/** `--name <value>` or `--name=<value>`, resolved against the working directory. */
function dirOption(name) {
	const args = process.argv.slice(2);
	const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
	if (at < 0) return undefined;
	const value = args[at].includes('=') ? args[at].slice(args[at].indexOf('=') + 1) : args[at + 1];
	if (!value || !existsSync(value) || !statSync(value).isDirectory()) abort(`--${name} needs a folder (got ${value ?? 'nothing'})`);
	return path.resolve(value);
}
const givenSource = dirOption('source');
const givenTarball = dirOption('tarball');
const given = givenSource !== undefined || givenTarball !== undefined;

const started = Date.now();
let scanner;
try {
	scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
} catch (error) {
	abort(`cannot load @n8n/scan-community-package (npm ci installs it): ${error.message}`);
}
const { version: scannerVersion } = JSON.parse(readFileSync(path.join(root, 'node_modules/@n8n/scan-community-package/package.json'), 'utf8'));
console.log(`scan: @n8n/scan-community-package ${scannerVersion}, lint legs only (no provenance, no network)`);

const legs = [];
if (!given || givenSource) {
	const t = Date.now();
	const dir = givenSource ?? sourceTree();
	const n = countFiles(dir, (f) => f === 'package.json' || /^(nodes|credentials)\/.*\.(js|ts|json)$/.test(f));
	legs.push({ name: `source: ${n} files (${scanner.SOURCE_FILE_PATTERNS.join(', ')})`, dir, prefix: '', result: await scanner.analyzePackage(dir, scanner.SOURCE_FILE_PATTERNS), ms: Date.now() - t });
}
if (!given || givenTarball) {
	const t = Date.now();
	const packed = givenTarball ? { dir: givenTarball, label: path.basename(givenTarball) } : tarballTree();
	const label = packed.label ?? `${packed.name} (${packed.files} files, ${(packed.size / 1024).toFixed(0)} kB)`;
	const n = countFiles(packed.dir, (f) => f === 'package.json' || f.endsWith('.js'));
	legs.push({ name: `tarball ${label}: ${n} files (**/*.js, package.json)`, dir: packed.dir, prefix: 'tarball:', result: await scanner.analyzePackage(packed.dir, ['**/*.js', 'package.json']), ms: Date.now() - t });
}

let failed = 0;
for (const { name, dir, prefix, result, ms } of legs) {
	const seconds = (ms / 1000).toFixed(1);
	if (result.passed && result.message === 'No files found to analyze') {
		result.passed = false; // a leg that lints nothing proves nothing
	}
	if (result.passed) {
		console.log(`scan: PASS ${name} (${seconds} s)${result.message ? `: ${result.message}` : ''}`);
		continue;
	}
	failed += 1;
	console.log(`scan: FAIL ${name} (${seconds} s): ${result.message}${result.details ? `, ${problemCount(result.details)}` : ''}`);
	// File names relative to the package root (the tarball's prefixed), not the temporary copy.
	if (result.details) console.log(result.details.replaceAll(`${dir}${path.sep}`, prefix));
}
const total = ((Date.now() - started) / 1000).toFixed(1);
const passedText = legs.length === 2 ? 'both legs pass' : 'the leg passes';
console.log(failed === 0
	? `scan: ${passedText}: n8n's scanner finds nothing (${total} s)`
	: `scan: ${failed} of ${legs.length} legs failed: n8n's verification would reject this package (${total} s)`);
process.exit(failed === 0 ? 0 : 1);
