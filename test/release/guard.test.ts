/**
 * scripts/release/guard.mjs, the prepublishOnly guard: `npm publish` goes ahead only in the
 * GitHub Actions publish job, for the tag of package.json's version, with an OIDC token and npm
 * provenance. Each environment below is one a publish could really run in.
 */
import path from 'node:path';

import { actionsEnv, laptopEnv, PACKAGE_VERSION, ROOT, runNode } from './scripts';

const GUARD = path.join(ROOT, 'scripts/release/guard.mjs');
const TAG = `v${PACKAGE_VERSION}`;
const REFUSED = 'prepublishOnly: refusing to publish n8n-nodes-seedream:';

const guard = (env: Record<string, string>) => runNode(GUARD, [], { env });

describe('prepublishOnly guard', () => {
	it('refuses a publish from a laptop (exit 1), saying why and how to release instead', async () => {
		const r = await guard(laptopEnv());
		expect(r.code).toBe(1);
		expect(r.stdout).toBe('');
		expect(r.stderr).toContain(REFUSED);
		expect(r.stderr).toContain('  - not running in GitHub Actions (GITHUB_ACTIONS is not "true")\n');
		expect(r.stderr).toContain('  - npm provenance is off (publish with `npm run release`, or `npm publish --provenance`)\n');
		expect(r.stderr).toContain(`package.json says ${PACKAGE_VERSION}`);
		expect(r.stderr).toContain('2. npm run release -- X.Y.Z');
	});

	it('refuses a laptop publish even with provenance switched on', async () => {
		const r = await guard(laptopEnv({ npm_config_provenance: 'true' }));
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('  - not running in GitHub Actions (GITHUB_ACTIONS is not "true")\n');
		expect(r.stderr).not.toContain('provenance is off');
	});

	it('lets `npm publish --dry-run` through (exit 0) with the same findings as warnings', async () => {
		const r = await guard(laptopEnv({ npm_config_dry_run: 'true' }));
		expect(r.code).toBe(0);
		expect(r.stderr).toContain('prepublishOnly (dry run, nothing is uploaded):');
		expect(r.stderr).toContain('  - not running in GitHub Actions (GITHUB_ACTIONS is not "true")\n');
	});

	it(`publishes from the GitHub Actions publish job: OIDC token, tag ${TAG}, provenance on (exit 0)`, async () => {
		const r = await guard(actionsEnv(PACKAGE_VERSION));
		expect(r).toEqual({
			code: 0,
			stdout: `prepublishOnly: publishing n8n-nodes-seedream@${PACKAGE_VERSION} from GitHub Actions (n8n-nodes-seedream/n8n-nodes-seedream/.github/workflows/publish.yml@refs/tags/${TAG}) with npm provenance.\n`,
			stderr: '',
		});
	});

	it('refuses a run for another tag (exit 1)', async () => {
		const r = await guard(actionsEnv(PACKAGE_VERSION, { GITHUB_REF_NAME: 'v9.9.9' }));
		expect(r.code).toBe(1);
		expect(r.stderr).toContain(REFUSED);
		expect(r.stderr).toContain(`  - not running for the tag ${TAG} (this run is for tag "v9.9.9")\n`);
	});

	it('refuses a run for a branch push (exit 1)', async () => {
		const r = await guard(actionsEnv(PACKAGE_VERSION, { GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' }));
		expect(r.code).toBe(1);
		expect(r.stderr).toContain(`  - not running for the tag ${TAG} (this run is for branch "main")\n`);
	});

	it('refuses a job without `id-token: write` (no OIDC token, exit 1)', async () => {
		const r = await guard(actionsEnv(PACKAGE_VERSION, { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }));
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('  - no GitHub OIDC token (the job needs `permissions: id-token: write`)\n');
	});

	it('refuses provenance switched off in Actions (exit 1)', async () => {
		const r = await guard(actionsEnv(PACKAGE_VERSION, { npm_config_provenance: undefined }));
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('  - npm provenance is off');
	});

	it('refuses Trusted Publishing with an npm older than 11.5.1 and no token; a token makes it fine', async () => {
		const oldNpm = { npm_config_user_agent: 'npm/10.9.2 node/v22.11.0 linux x64 workspaces/false' };
		const r = await guard(actionsEnv(PACKAGE_VERSION, oldNpm));
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('  - npm 10.9.2 cannot use Trusted Publishing (needs npm >= 11.5.1; Node 24 has it) and no NODE_AUTH_TOKEN is set\n');
		expect((await guard(actionsEnv(PACKAGE_VERSION, { ...oldNpm, NODE_AUTH_TOKEN: 'npm_not-a-real-token' }))).code).toBe(0);
	});
});
