/** Where and on what the benchmark ran, for results.json. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { N8N_VERSION } from '../test/e2e/n8n';
import { REPO_ROOT } from './simProcess';

function packageVersion(name: string): string | undefined {
	try {
		return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
	} catch {
		return undefined;
	}
}

function git(args: string[]): string | undefined {
	try {
		return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	} catch {
		return undefined;
	}
}

export function machineInfo(): Record<string, unknown> {
	const cpus = os.cpus();
	return {
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		cpuModel: cpus[0]?.model,
		cpuCount: cpus.length,
		memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		node: process.version,
		n8nCore: packageVersion('n8n-core'),
		n8nWorkflow: packageVersion('n8n-workflow'),
		n8nForBaselineB: N8N_VERSION,
		gitCommit: git(['rev-parse', '--short', 'HEAD']),
		// Uncommitted changes in the node's sources: the figures are for the working tree.
		nodeSourcesChanged: Boolean(git(['status', '--porcelain', '--', 'nodes', 'credentials'])),
	};
}
