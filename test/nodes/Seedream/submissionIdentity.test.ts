import { createHash } from 'node:crypto';

import { attemptKey, contentKey, runKey } from '../../../nodes/Seedream/actions/submissionIdentity';

const scope = {
	instanceId: 'c0ffee0000000000000000000000000000000000000000000000000000000001',
	instanceBaseUrl: 'https://n8n.example.com/',
	workflowId: 'wfSeedream0000001',
	executionId: '42',
	nodeId: '8d7e1c2a-0000-4000-8000-000000000001',
	runIndex: 2,
};
const instancePart = createHash('sha256').update(`${scope.instanceId}\n${scope.instanceBaseUrl}`).digest('hex').slice(0, 12);

describe('the Idempotency-Key of a submission', () => {
	it('is made of the instance (its id and address), workflow, execution, node, run index and item, exactly', () => {
		expect(instancePart).toBe('cfd2783e49b3');
		expect(runKey(scope, 7)).toBe('n8n-cfd2783e49b3-wfSeedream0000001-42-8d7e1c2a-0000-4000-8000-000000000001-r2-i7');
	});

	it('differs for every other row, loop iteration, execution, workflow and instance', () => {
		const keys = [
			runKey(scope, 7),
			runKey(scope, 8),
			runKey({ ...scope, runIndex: 3 }, 7),
			runKey({ ...scope, executionId: '43' }, 7),
			runKey({ ...scope, workflowId: 'wfSeedream0000002' }, 7),
			runKey({ ...scope, instanceId: 'another-instance' }, 7),
			// Staging with production's encryption key (so its instance id): another address.
			runKey({ ...scope, instanceBaseUrl: 'https://staging.n8n.example.com/' }, 7),
			runKey({ ...scope, nodeId: 'another-node' }, 7),
		];
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('stays within the 255 characters Apiframe allows, even for very long workflow ids', () => {
		const key = runKey({ ...scope, workflowId: 'w'.repeat(300) }, 0);
		expect(key).toMatch(/^n8n-h-[0-9a-f]{64}$/);
		expect(key).toBe(runKey({ ...scope, workflowId: 'w'.repeat(300) }, 0));
	});

	it('by content: the same body gives the same key whatever the key order, the n-th occurrence its own', () => {
		const body = { model: 'seedream-4.5', prompt: 'a fox', seedreamParams: { seed: 1, size: '2K' } };
		const reordered = { seedreamParams: { size: '2K', seed: 1 }, prompt: 'a fox', model: 'seedream-4.5' };
		const digest = createHash('sha256')
			.update(`${scope.workflowId}\n${scope.nodeId}\n{"model":"seedream-4.5","prompt":"a fox","seedreamParams":{"seed":1,"size":"2K"}}`)
			.digest('hex')
			.slice(0, 40);
		expect(contentKey(scope, body, 1)).toBe(`n8n-c-${digest}-1`);
		expect(contentKey(scope, reordered, 1)).toBe(`n8n-c-${digest}-1`);
		expect(contentKey(scope, body, 2)).toBe(`n8n-c-${digest}-2`);
		// Execution, run and instance do not enter: a rerun of the same rows finds the same jobs.
		expect(contentKey({ ...scope, executionId: '99', runIndex: 0 } as typeof scope, body, 1)).toBe(`n8n-c-${digest}-1`);
		expect(contentKey(scope, { ...body, prompt: 'a fox!' }, 1)).not.toBe(`n8n-c-${digest}-1`);
	});

	it('after a failed job, the next attempt gets its own key', () => {
		expect(attemptKey('sheet-row-4', 1)).toBe('sheet-row-4');
		expect(attemptKey('sheet-row-4', 2)).toBe('sheet-row-4-a2');
		expect(attemptKey('sheet-row-4', 3)).toBe('sheet-row-4-a3');
	});
});
