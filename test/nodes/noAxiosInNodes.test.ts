/**
 * axios is the tooling's HTTP client (test/support/http.ts), never the package's: in a node, HTTP
 * goes through this.helpers (n8n's rules for community nodes), and a published package that
 * needed axios at run time would have to ship it as a dependency.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

function sourcesUnder(dir: string): string[] {
	return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const rel = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourcesUnder(rel);
		return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [rel] : [];
	});
}

const sources = [...sourcesUnder('nodes'), ...sourcesUnder('credentials')];
const text = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

// `from 'axios'`, `require('axios')`, `import('axios')` and subpaths such as 'axios/unsafe/…'.
const AXIOS_IMPORT = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s*)['"]axios(?:\/[^'"]*)?['"]/m;
// A call of the global fetch (`fetch(`, `globalThis.fetch(`), not a word like "prefetch(".
const FETCH_CALL = /(?<![\w$])fetch\s*\(/;

describe('HTTP in nodes/ and credentials/ goes through this.helpers', () => {
	it('finds the sources', () => {
		expect(sources).toEqual(expect.arrayContaining(['nodes/Seedream/Seedream.node.ts', 'credentials/ApiframeApi.credentials.ts']));
	});

	it.each(sources)('%s neither imports axios nor calls fetch', (file) => {
		const source = text(file);
		expect(source).not.toMatch(AXIOS_IMPORT);
		expect(source).not.toMatch(FETCH_CALL);
	});

	it('the patterns catch what they are for', () => {
		for (const line of ["import axios from 'axios';", 'import { create } from "axios";', "const a = require('axios');", "await import('axios/unsafe/core/AxiosHeaders.js');", "import 'axios';"]) {
			expect(line).toMatch(AXIOS_IMPORT);
		}
		for (const line of ['await fetch(url)', 'globalThis.fetch (url)', 'const r = fetch(`${base}/x`)']) expect(line).toMatch(FETCH_CALL);
		for (const line of ['// fetch it later with Job → Get', 'prefetch(url)', "import { x } from 'axios-retry';"]) {
			expect(line).not.toMatch(FETCH_CALL);
			expect(line).not.toMatch(AXIOS_IMPORT);
		}
	});
});

describe('package.json', () => {
	const pkg = JSON.parse(text('package.json'));

	it('keeps axios a devDependency only', () => {
		expect(pkg.devDependencies).toHaveProperty('axios');
		for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']) {
			const deps = pkg[field] ?? {};
			expect(Array.isArray(deps) ? deps : Object.keys(deps)).not.toContain('axios');
		}
	});
});
