/**
 * scripts/release/release.mjs: `--check` (what publish.yml runs first) against this repository,
 * and tagging and checking in a throwaway git repository holding a copy of the script, a
 * package.json and a CHANGELOG.md of each test's making.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { actionsEnv, laptopEnv, PACKAGE_VERSION, ROOT, runNode, tempDir } from './scripts';

const RELEASE = path.join(ROOT, 'scripts/release/release.mjs');

describe('release.mjs --check in this repository', () => {
	it(`on a laptop: package.json's ${PACKAGE_VERSION} has its dated CHANGELOG.md section and link (exit 0)`, async () => {
		expect(await runNode(RELEASE, ['--check'], { env: laptopEnv() })).toEqual({
			code: 0,
			stdout: `release: v${PACKAGE_VERSION}: version and CHANGELOG.md section look right\n`,
			stderr: '',
		});
	});

	it('in GitHub Actions for another tag: refused (exit 1), with an ::error annotation', async () => {
		const r = await runNode(RELEASE, ['--check'], { env: actionsEnv(PACKAGE_VERSION, { GITHUB_REF_NAME: 'v0.0.9' }) });
		const message = `this run is for tag "v0.0.9", but package.json says ${PACKAGE_VERSION}: publish by pushing the tag v${PACKAGE_VERSION}`;
		expect(r).toEqual({ code: 1, stdout: `::error title=release::${message}\n`, stderr: `release: ${message}\n` });
	});

	it('in GitHub Actions for a branch push: refused (exit 1)', async () => {
		const r = await runNode(RELEASE, ['--check'], { env: actionsEnv(PACKAGE_VERSION, { GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' }) });
		expect(r.code).toBe(1);
		expect(r.stderr).toBe(`release: this run is for branch "main", but package.json says ${PACKAGE_VERSION}: publish by pushing the tag v${PACKAGE_VERSION}\n`);
	});

	it('on a laptop without a version: the usage (exit 1)', async () => {
		const r = await runNode(RELEASE, [], { env: laptopEnv() });
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('usage: npm run release -- <version>');
		expect(r.stderr).toContain(`package.json is at ${PACKAGE_VERSION}.`);
	});
});

const LINKS = `[Unreleased]: https://github.com/example/n8n-nodes-demo/compare/v0.3.0...HEAD
[0.3.0]: https://github.com/example/n8n-nodes-demo/compare/v0.2.0...v0.3.0
[0.2.0]: https://github.com/example/n8n-nodes-demo/releases/tag/v0.2.0
`;

/** A Keep a Changelog file: `unreleased` lines under [Unreleased], and a 0.3.0 section unless `with030` is false. */
function changelog(unreleased: string[], with030 = true): string {
	return [
		'# Changelog',
		'',
		'## [Unreleased]',
		'',
		...unreleased,
		...(unreleased.length ? [''] : []),
		...(with030 ? ['## [0.3.0] - 2026-12-15', '', '### Added', '', '- Something new.', ''] : []),
		'## [0.2.0] - 2026-12-01',
		'',
		'### Added',
		'',
		'- The first version.',
		'',
		LINKS,
	].join('\n');
}
const PENDING = ['### Fixed', '', '- A fix nobody released yet, whose line is long enough to be cut short in the message.', '- Another one.'];

/** Who commits in the throwaway repository, and no user or system git config (signing, hooks). */
const GIT_ENV = {
	GIT_AUTHOR_NAME: 'Release Test',
	GIT_AUTHOR_EMAIL: 'release-test@example.com',
	GIT_COMMITTER_NAME: 'Release Test',
	GIT_COMMITTER_EMAIL: 'release-test@example.com',
	GIT_CONFIG_GLOBAL: '/dev/null',
	GIT_CONFIG_NOSYSTEM: '1',
};

describe('release.mjs in a throwaway repository', () => {
	let tmp: ReturnType<typeof tempDir>;
	let repo: string;
	const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: laptopEnv(GIT_ENV), encoding: 'utf8' }).trim();

	/** A fresh repository on main: the script, a package at `version` whose lint and scan pass, `log` as CHANGELOG.md. */
	function setUp(version: string, log: string): void {
		repo = path.join(tmp.dir, `repo-${Math.random().toString(36).slice(2, 8)}`);
		mkdirSync(path.join(repo, 'scripts/release'), { recursive: true });
		copyFileSync(RELEASE, path.join(repo, 'scripts/release/release.mjs'));
		// lint and scan stand in for the real ones, which have their own tests: here only the order matters.
		const pkg = { name: 'n8n-nodes-demo', version, private: true, scripts: { lint: 'node -e ""', scan: 'node -e ""' } };
		writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
		writeFileSync(path.join(repo, 'CHANGELOG.md'), log);
		git('init', '-q', '-b', 'main');
		git('add', '.');
		git('commit', '-q', '-m', 'Initial');
	}
	const release = (args: string[], env = laptopEnv(GIT_ENV)) => runNode(path.join(repo, 'scripts/release/release.mjs'), args, { env, cwd: repo });

	beforeAll(() => (tmp = tempDir('release-test-')));
	afterAll(() => tmp.remove());

	it('refuses to tag while [Unreleased] lists entries (exit 1), before lint, scan or any tag', async () => {
		setUp('0.2.0', changelog(PENDING));
		const r = await release(['0.3.0']);
		expect(r.code).toBe(1);
		expect(r.stderr).toBe(
			'release: CHANGELOG.md still lists 2 entries under [Unreleased] (the first: "- A fix nobody released yet, whose line is long enough to be cut short…").\n' +
				'Move them into "## [0.3.0] - YYYY-MM-DD", keep an empty "## [Unreleased]" above it, and commit:\n' +
				'the tag v0.3.0 must ship what its changelog says.\n',
		);
		expect(r.stdout).toBe('');
		expect(git('tag', '-l')).toBe('');
		expect(git('log', '--format=%s')).toBe('Initial');
	});

	it('refuses to tag a version the changelog has no section for (exit 1)', async () => {
		setUp('0.2.0', changelog(PENDING, false));
		const r = await release(['0.3.0']);
		expect(r.code).toBe(1);
		expect(r.stderr).toBe('release: CHANGELOG.md has no section "## [0.3.0] - YYYY-MM-DD": move the [Unreleased] entries there first\n');
		expect(git('tag', '-l')).toBe('');
	});

	it('refuses to tag with uncommitted changes (exit 1)', async () => {
		setUp('0.2.0', changelog([]));
		writeFileSync(path.join(repo, 'CHANGELOG.md'), changelog(PENDING));
		const r = await release(['0.3.0']);
		expect(r.code).toBe(1);
		expect(r.stderr).toBe('release: the working tree has uncommitted changes; commit or stash them first:\nM CHANGELOG.md\n');
	});

	it('with [Unreleased] empty: lint, scan, "Release v0.3.0" and the tag v0.3.0 (exit 0)', async () => {
		setUp('0.2.0', changelog([]));
		const r = await release(['0.3.0']);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^release: npm run lint\n[\s\S]*release: npm run scan\n[\s\S]*release: tagged v0\.3\.0 on [0-9a-f]+\. Publish it:\n\n {2}git push origin main v0\.3\.0\n/);
		expect(git('tag', '-l')).toBe('v0.3.0');
		expect(git('log', '--format=%s')).toBe('Release v0.3.0\nInitial');
		expect(JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).version).toBe('0.3.0');
	});

	it('--check in the publish job for v0.3.0: refused while [Unreleased] lists entries, fine once empty', async () => {
		setUp('0.3.0', changelog(PENDING));
		const refused = await release(['--check'], actionsEnv('0.3.0'));
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('release: CHANGELOG.md still lists 2 entries under [Unreleased]');
		expect(refused.stdout).toBe('::error title=release::CHANGELOG.md still lists 2 entries under [Unreleased] (the first: "- A fix nobody released yet, whose line is long enough to be cut short…").\n');
		// On main (no tag), --check leaves [Unreleased] alone: that is where new entries go.
		expect((await release(['--check'], laptopEnv())).code).toBe(0);

		setUp('0.3.0', changelog([]));
		expect(await release(['--check'], actionsEnv('0.3.0'))).toEqual({
			code: 0,
			stdout: 'release: v0.3.0: tag, version and CHANGELOG.md section look right\n',
			stderr: '',
		});
	});
});
