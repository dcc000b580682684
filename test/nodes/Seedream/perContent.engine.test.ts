import type { INodeExecutionData } from 'n8n-workflow';

import { forgetAll } from '../../../dist/nodes/Seedream/jobRunner/registry';
import { renderImage } from '../../simulator/images';
import { generateParameters, runSeedream, submitsOf, useSimulator } from '../../support/seedream';

/** A row per prompt, each with its own photo (photo n is n-filled pixels), as a folder of photos would give. */
const rowsWithPhotos = (prompts: string[], photoOf: (index: number) => number = (index) => index + 1): INodeExecutionData[] =>
	prompts.map((prompt, index) => ({
		json: { prompt },
		binary: { photo: { data: renderImage(Buffer.alloc(32, photoOf(index)), 8, 8, 'png').toString('base64'), mimeType: 'image/png', fileName: `photo-${index + 1}.png` } },
	}));

const perContent = (extra: Record<string, unknown> = {}) =>
	generateParameters({ referenceImageBinary: 'photo', options: { idempotencyScope: 'content', ...extra } });

const WHY =
	"Apiframe refuses this request (409) because the key's first request differed from it, if only in the reference files' upload URLs: they are new each time the files are uploaded again (another n8n process, a restart, or over an hour later).";
/** The description exactly, then the simulator's request id (a new UUID per answer). */
const withRequestId = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\nRequest ID: [0-9a-f-]{36}$`);
const COLLECT = "Job → Get Many (Model: seedream-4.5) lists the account's jobs, each with its input; collect this row's job with Job → Wait and its Job ID.";

describe('Per Content with binary references: a rerun on a fresh process gets the billed jobs back', () => {
	const sim = useSimulator({ maxConcurrentJobs: 10 });
	beforeEach(() => forgetAll());

	const answers = (status: number) => submitsOf(sim).filter((r) => r.status === status);
	// The earlier-job search lists one model's jobs; the runner's own looks list the account's newest jobs (no model).
	const searches = () => sim.requests().filter((r) => r.method === 'GET' && r.path === '/v2/jobs' && r.query?.model !== undefined);

	it('one row: the rerun uploads again, gets 409, finds the earlier job and returns it with its image; 1 job billed', async () => {
		const items = rowsWithPhotos(['the same scene in ink']);
		const first = await runSeedream({ sim, executionId: '1', parameters: perContent(), items });
		forgetAll();
		const again = await runSeedream({ sim, executionId: '2', parameters: perContent(), items });

		expect(again.error).toBeUndefined();
		const [job] = sim.jobs();
		expect(sim.jobs()).toHaveLength(1);
		expect(first.output('Seedream')[0].json.jobId).toBe(job.id);
		expect(again.output('Seedream')[0].json.jobId).toBe(job.id);
		expect(again.output('Seedream')[0].json.idempotencyKey).toBe(first.output('Seedream')[0].json.idempotencyKey);
		expect(await again.binary(again.output('Seedream')[0])).toEqual(await first.binary(first.output('Seedream')[0]));
		expect(sim.requests().filter((r) => r.path === '/v2/uploads')).toHaveLength(2);
		expect(answers(409)).toHaveLength(1);
		expect(searches().map((r) => r.query)).toEqual([{ model: 'seedream-4.5', limit: '100' }]);
		// Exactly one job fits: no earlier file is read.
		expect(sim.requests().filter((r) => r.method === 'GET' && r.path.startsWith('/uploads/'))).toHaveLength(0);
	});

	it('three rows, one prompt, a photo each: each row gets its own earlier job back, told apart by the files’ bytes', async () => {
		const items = rowsWithPhotos(['make it blue', 'make it blue', 'make it blue']);
		const first = await runSeedream({ sim, executionId: '1', parameters: perContent(), items });
		forgetAll();
		const again = await runSeedream({ sim, executionId: '2', parameters: perContent(), items });

		expect(again.error).toBeUndefined();
		const firstJobs = first.output('Seedream').map((item) => item.json.jobId);
		expect(new Set(firstJobs).size).toBe(3);
		expect(again.output('Seedream').map((item) => item.json.jobId)).toEqual(firstJobs);
		expect(sim.jobs()).toHaveLength(3);
		expect(answers(409)).toHaveLength(3);
		// Each earlier upload is read once in this process, whichever rows compare it.
		const earlierUploads = sim.jobs().map((job) => new URL((job.params.image_input as string[])[0]).pathname).sort();
		const reads = sim.requests().filter((r) => r.method === 'GET' && earlierUploads.includes(r.path));
		expect(reads.map((r) => r.path).sort()).toEqual(earlierUploads);
	});

	it('two identical rows: two earlier jobs fit each and neither can be told apart: the error names both, nothing is billed again', async () => {
		const items = rowsWithPhotos(['a twin', 'a twin'], () => 7);
		const first = await runSeedream({ sim, executionId: '1', parameters: perContent(), items });
		forgetAll();
		const again = await runSeedream({ sim, executionId: '2', parameters: perContent(), items, continueOnFail: true });

		const [older, newer] = sim.jobs();
		expect(sim.jobs()).toHaveLength(2);
		const keys = first.output('Seedream').map((item) => item.json.idempotencyKey);
		expect(again.output('Seedream').map((item) => item.json)).toEqual(
			keys.map((key, itemIndex) => ({
				error: "This row's job was already created (billed) under its Idempotency-Key, but 2 earlier jobs fit it",
				details: {
					itemIndex,
					httpCode: '409',
					description: expect.stringMatching(
						withRequestId(
							`${WHY} These seedream-4.5 jobs of the last 24 hours have this prompt, these parameters and 1 reference file: ${newer.id}, ${older.id}. ${COLLECT} Idempotency-Key: ${key}`,
						),
					),
				},
			})),
		);
	});

	it('an own key reused with another prompt: no earlier job fits, the error says how to collect the billed one', async () => {
		await runSeedream({ sim, executionId: '1', parameters: perContent({ idempotencyKey: 'row-1' }), items: rowsWithPhotos(['a lighthouse']) });
		forgetAll();
		const again = await runSeedream({ sim, executionId: '2', parameters: perContent({ idempotencyKey: 'row-1' }), items: rowsWithPhotos(['a windmill']) });

		expect(sim.jobs()).toHaveLength(1);
		expect(again.error?.message).toBe("This row's job was already created (billed) under its Idempotency-Key, but it was not found");
		expect(again.error?.description).toMatch(
			withRequestId(`${WHY} None of the account's seedream-4.5 jobs of the last 24 hours has this prompt, these parameters and 1 reference file. ${COLLECT} Idempotency-Key: row-1`),
		);
		expect(again.error?.description).not.toMatch(/new (Idempotency )?key/i);
	});

	it('a 409 on a row without uploaded files keeps the plain explanation: collect the billed job first', async () => {
		const parameters = (prompt: string) => generateParameters({ options: { idempotencyKey: 'row-9' }, prompt });
		await runSeedream({ sim, parameters: parameters('a lighthouse') });
		const again = await runSeedream({ sim, parameters: parameters('a windmill') });

		expect(again.error?.message).toBe('This Idempotency-Key was already used with different parameters');
		expect(again.error?.description).toMatch(
			/^Apiframe keeps the first request made with a key for 24 hours, and its job was created \(billed\) then\. Job → Get Many lists the account's jobs, each with its input: collect that job with Job → Wait and its Job ID\. Only if the parameters changed on purpose, give the row its own Idempotency Key \(a new job, billed again\)\./,
		);
		expect(searches()).toHaveLength(0);
	});
});
