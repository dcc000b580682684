#!/usr/bin/env node
// prepublishOnly guard: `npm publish` goes ahead only inside the GitHub Actions publish workflow,
// with an OIDC token to sign npm provenance, provenance switched on, and on the tag v<version>.
// A publish from a laptop would carry no provenance, and n8n does not verify such a package.
//
// `npm publish --dry-run` is let through (it uploads nothing); the checks are printed as warnings.
// Only Node built-ins: this runs before anything is built.
import { readFileSync } from 'node:fs';

const env = process.env;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const tag = `v${version}`;
const isTrue = (value) => value === 'true' || value === '1';

const problems = [];
if (env.GITHUB_ACTIONS !== 'true') {
	problems.push('not running in GitHub Actions (GITHUB_ACTIONS is not "true")');
} else {
	if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
		problems.push('no GitHub OIDC token (the job needs `permissions: id-token: write`)');
	}
	if (env.GITHUB_REF_TYPE !== 'tag' || env.GITHUB_REF_NAME !== tag) {
		problems.push(`not running for the tag ${tag} (this run is for ${env.GITHUB_REF_TYPE || '?'} "${env.GITHUB_REF_NAME || '?'}")`);
	}
}
// Trusted Publishing (no NODE_AUTH_TOKEN) logs in through OIDC, which npm does from 11.5.1 on.
const npmVersion = /\bnpm\/(\d+)\.(\d+)\.(\d+)/.exec(env.npm_config_user_agent ?? '');
if (env.GITHUB_ACTIONS === 'true' && !env.NODE_AUTH_TOKEN && npmVersion) {
	const [major, minor, patch] = npmVersion.slice(1).map(Number);
	if (major < 11 || (major === 11 && (minor < 5 || (minor === 5 && patch < 1)))) {
		problems.push(`npm ${npmVersion.slice(1).join('.')} cannot use Trusted Publishing (needs npm >= 11.5.1; Node 24 has it) and no NODE_AUTH_TOKEN is set`);
	}
}
// `npm publish --provenance` and `n8n-node release` (NPM_CONFIG_PROVENANCE=true) both set this.
if (!isTrue(env.npm_config_provenance) && !isTrue(env.NPM_CONFIG_PROVENANCE)) {
	problems.push('npm provenance is off (publish with `npm run release`, or `npm publish --provenance`)');
}

if (problems.length === 0) {
	console.log(`prepublishOnly: publishing n8n-nodes-seedream@${version} from GitHub Actions (${env.GITHUB_WORKFLOW_REF || env.GITHUB_WORKFLOW || 'workflow ?'}) with npm provenance.`);
	process.exit(0);
}

const dryRun = isTrue(env.npm_config_dry_run);
const say = dryRun ? console.warn : console.error;
say(`
${dryRun ? 'prepublishOnly (dry run, nothing is uploaded)' : 'prepublishOnly: refusing to publish n8n-nodes-seedream'}:
${problems.map((p) => `  - ${p}`).join('\n')}

This package is published only by the GitHub Actions workflow .github/workflows/publish.yml,
which signs it with npm provenance (n8n verifies community nodes only with provenance).
To release version X.Y.Z (package.json says ${version}):
  1. in CHANGELOG.md, move the [Unreleased] entries under "## [X.Y.Z] - YYYY-MM-DD"; commit;
  2. npm run release -- X.Y.Z     (checks, lint, scan, sets the version, tags vX.Y.Z)
  3. git push origin main vX.Y.Z  (.github/workflows/publish.yml publishes the tag)
Details: docs/releasing.md
`);
process.exit(dryRun ? 0 : 1);
