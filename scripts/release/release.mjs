#!/usr/bin/env node
// `npm run release`: the one verb for releases (n8n-nodes-starter's name for it).
//
//   npm run release -- 0.3.0   on your machine: checks (clean main, CHANGELOG.md section and
//                              nothing left under [Unreleased], lint, scan), sets the version,
//                              commits "Release v0.3.0" if the version changed, tags v0.3.0.
//                              Then `git push origin main v0.3.0`:
//                              .github/workflows/publish.yml publishes the tag.
//   npm run release            in GitHub Actions (publish.yml): the checks below, then
//                              `n8n-node release` from @n8n/node-cli, which lints, builds and runs
//                              `npm publish` with NPM_CONFIG_PROVENANCE=true.
//   node scripts/release/release.mjs --check
//                              the tag (in GitHub Actions: also an empty [Unreleased]), version
//                              and changelog checks only.
//
// Locally this does not run `n8n-node release`: outside CI that runs release-it and auto-changelog,
// which would rewrite CHANGELOG.md in another format. Only Node built-ins.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const inActions = process.env.GITHUB_ACTIONS === 'true';
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/;

const fail = (message) => {
	console.error(`release: ${message}`);
	if (inActions) console.log(`::error title=release::${message.split('\n')[0]}`);
	process.exit(1);
};

function run(cmd, args, options = {}) {
	const r = spawnSync(cmd, args, { cwd: root, stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', env: options.env ?? process.env });
	if (r.error) fail(`${cmd} could not start: ${r.error.message}`);
	if (r.status !== 0 && !options.allowFailure) fail(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
	return r;
}
const git = (...args) => run('git', args, { capture: true }).stdout.trim();
const packageVersion = () => JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;

/** The CHANGELOG.md heading for a version: `## [0.2.0] - 2026-12-01` (Keep a Changelog). */
function checkChangelog(version) {
	const text = readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
	const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const heading = text.match(new RegExp(`^## \\[${escaped}\\](.*)$`, 'm'));
	if (!heading) fail(`CHANGELOG.md has no section "## [${version}] - YYYY-MM-DD": move the [Unreleased] entries there first`);
	if (!/^ - \d{4}-\d{2}-\d{2}\s*$/.test(heading[1])) fail(`CHANGELOG.md: write the heading as "## [${version}] - YYYY-MM-DD" (found "${heading[0]}")`);
	const body = text.slice(heading.index + heading[0].length).split(/^## \[/m)[0];
	if (!/^\s*- /m.test(body)) fail(`CHANGELOG.md: the section for ${version} lists no changes`);
	if (!new RegExp(`^\\[${escaped}\\]: \\S+`, 'm').test(text)) fail(`CHANGELOG.md has no link line "[${version}]: <compare URL>" at the end`);
}

/**
 * The entries still under `## [Unreleased]`. A tag made while there are some would ship changes
 * its own changelog calls unreleased, so tagging (and publishing a tag) refuses then.
 */
function unreleasedEntries() {
	const text = readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
	const heading = text.match(/^## \[Unreleased\].*$/im);
	if (!heading) return [];
	const body = text.slice(heading.index + heading[0].length).split(/^## \[/m)[0];
	return body.split('\n').filter((line) => /^\s*[-*] /.test(line)).map((line) => line.trim());
}

function checkNothingUnreleased(version) {
	const entries = unreleasedEntries();
	if (entries.length === 0) return;
	const first = entries[0].length > 70 ? `${entries[0].slice(0, 70)}…` : entries[0];
	fail(`CHANGELOG.md still lists ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} under [Unreleased] (the first: "${first}").
Move them into "## [${version}] - YYYY-MM-DD", keep an empty "## [Unreleased]" above it, and commit:
the tag v${version} must ship what its changelog says.`);
}

/** In GitHub Actions: the run is for the tag v<package.json version>. */
function checkTag(version) {
	const { GITHUB_REF_TYPE: refType, GITHUB_REF_NAME: refName } = process.env;
	if (refType !== 'tag' || refName !== `v${version}`) {
		fail(`this run is for ${refType || 'a ref'} "${refName}", but package.json says ${version}: publish by pushing the tag v${version}`);
	}
}

function check() {
	const version = packageVersion();
	if (!SEMVER.test(version)) fail(`package.json version "${version}" is not a semantic version`);
	if (inActions) checkTag(version);
	checkChangelog(version);
	// Outside a tag's run --check may look at main, whose [Unreleased] rightly fills up.
	if (inActions) checkNothingUnreleased(version);
	console.log(`release: v${version}: ${inActions ? 'tag, ' : ''}version and CHANGELOG.md section look right`);
	return version;
}

function publishFromActions() {
	check();
	if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL) fail('no GitHub OIDC token: the publish job needs `permissions: id-token: write`');
	// The project's .npmrc sets ignore-scripts=true (no dependency install scripts), which would also
	// skip our prepublishOnly guard; npm_config_* in the environment beats the project .npmrc.
	const env = { ...process.env, npm_config_ignore_scripts: 'false' };
	run(path.join(root, 'node_modules', '.bin', 'n8n-node'), ['release'], { env });
}

function prepareLocally(version) {
	if (!SEMVER.test(version)) fail(`"${version}" is not a semantic version (e.g. 0.3.0)`);
	const tag = `v${version}`;
	const status = git('status', '--porcelain');
	if (status) fail(`the working tree has uncommitted changes; commit or stash them first:\n${status}`);
	const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
	if (branch !== 'main') fail(`releases are tagged on main (this is "${branch}")`);
	if (run('git', ['rev-parse', '-q', '--verify', `refs/tags/${tag}`], { capture: true, allowFailure: true }).status === 0) {
		fail(`the tag ${tag} exists already`);
	}
	checkChangelog(version);
	checkNothingUnreleased(version);

	console.log('release: npm run lint');
	run('npm', ['run', 'lint']);
	console.log('release: npm run scan');
	run('npm', ['run', 'scan']);

	if (packageVersion() === version) {
		run('git', ['tag', '-a', tag, '-m', `Release ${tag}`]);
	} else {
		// Sets package.json and package-lock.json, commits them as "Release vX.Y.Z", tags vX.Y.Z.
		run('npm', ['version', version, '--message', 'Release v%s']);
	}
	console.log(`
release: tagged ${tag} on ${git('rev-parse', '--short', 'HEAD')}. Publish it:

  git push origin main ${tag}

.github/workflows/publish.yml then tests the tag and publishes it to npm with provenance.`);
}

const args = process.argv.slice(2);
if (args.includes('--check')) {
	check();
} else if (inActions) {
	publishFromActions();
} else if (args.length === 1 && !args[0].startsWith('-')) {
	prepareLocally(args[0].replace(/^v/, ''));
} else {
	console.error(`usage: npm run release -- <version>     (e.g. npm run release -- 0.3.0)

Tags a release on your machine; GitHub Actions publishes it (.github/workflows/publish.yml).
package.json is at ${packageVersion()}. Steps and background: docs/releasing.md`);
	process.exit(1);
}
