import type { INodeExecutionData } from 'n8n-workflow';

import { renderImage } from '../../simulator/images';
import { generateParameters, runSeedream, useSimulator } from '../../support/seedream';

/** Three different files, so that none is an upload the node may reuse. */
const rowsWithFiles = (n: number): INodeExecutionData[] =>
	Array.from({ length: n }, (_, i) => ({
		json: { prompt: `a harbour crane, study ${i + 1}` },
		binary: { photo: { data: renderImage(Buffer.alloc(32, i + 1), 8, 8, 'png').toString('base64'), mimeType: 'image/png', fileName: `photo-${i + 1}.png` } },
	}));

describe('reference uploads run inside the running-job slot', () => {
	const sim = useSimulator({ maxConcurrentJobs: 10 });

	it("Max Running Jobs 1, three rows with a file each: upload n+1 only after job n was seen done in a look at the account's jobs; 3 uploads, 3 jobs", async () => {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ referenceImageBinary: 'photo', outputOptions: { maxRunningJobs: 1 } }),
			items: rowsWithFiles(3),
		});
		expect(result.error).toBeUndefined();
		expect(result.output('Seedream')).toHaveLength(3);

		const log = sim.requests();
		const jobs = sim.jobs();
		const uploadAt = log.flatMap((r, index) => (r.method === 'POST' && r.path === '/v2/uploads' ? [index] : []));
		const submitAt = log.flatMap((r, index) => (r.method === 'POST' && r.path === '/v2/images/generate' ? [index] : []));
		expect(uploadAt).toHaveLength(3);
		expect(uploadAt.map((index) => log[index].status)).toEqual([201, 201, 201]);
		expect(submitAt).toHaveLength(3);
		expect(jobs).toHaveLength(3);
		// Each job carries its own, fresh upload.
		const references = jobs.map((job) => job.params.image_input as string[]);
		expect(references.every((urls) => urls.length === 1 && /\/uploads\//.test(urls[0]))).toBe(true);
		expect(new Set(references.flat()).size).toBe(3);

		for (let n = 0; n < 3; n++) {
			// Jobs are created in submit order: job n is the n-th submit's.
			expect(jobs[n].idempotencyKey).toBe(log[submitAt[n]].headers['idempotency-key']);
			expect(uploadAt[n]).toBeLessThan(submitAt[n]);
			if (n === 0) continue;
			const previous = jobs[n - 1];
			// The look (a list of the account's jobs) that saw job n-1 done came after its submit and before upload n.
			const lastLookBefore = log.slice(0, uploadAt[n]).map((r) => r.method === 'GET' && r.path === '/v2/jobs').lastIndexOf(true);
			expect(lastLookBefore).toBeGreaterThan(submitAt[n - 1]);
			expect(Date.parse(log[uploadAt[n]].at)).toBeGreaterThanOrEqual(Date.parse(previous.completedAt!));
		}
	});
});
