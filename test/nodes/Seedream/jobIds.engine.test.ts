/**
 * The Job ID goes into the request path: `..` would read `GET /v2/` with the key, `.` would poll
 * the job list. Anything but a job id fails its row before any request, in Get and in Wait.
 */
import { runSeedream, useSimulator } from '../../support/seedream';

const RULE = '1–64 characters of A–Z, a–z, 0–9, "_" and "-"';
const HINT = 'Map the jobId of Image → Generate (or of the Seedream Trigger), e.g. {{ $json.jobId }}.';

describe('Job → Get and Job → Wait check the Job ID before any request', () => {
	const sim = useSimulator();
	const BAD = ['..', '../me', '.', 'a/b', 'job 1', '%2e%2e', 'x'.repeat(65)];

	it.each(['get', 'wait'])('Job → %s: each bad ID is its row\'s error, naming the field and the rule; nothing is sent', async (operation) => {
		const result = await runSeedream({
			sim,
			continueOnFail: true,
			parameters: { resource: 'job', operation, jobId: '={{ $json.jobId }}' },
			items: BAD.map((jobId) => ({ json: { jobId } })),
		});
		expect(result.output('Seedream').map((item) => item.json)).toEqual([
			...BAD.slice(0, -1).map((jobId, itemIndex) => ({
				error: `Invalid parameter: Job ID must be ${RULE} (got ${JSON.stringify(jobId)})`,
				details: { itemIndex, description: HINT },
			})),
			{ error: `Invalid parameter: Job ID must be ${RULE} (got "${'x'.repeat(65)}")`, details: { itemIndex: 6, description: HINT } },
		]);
		expect(sim.requests()).toHaveLength(0);
	});

	it('without continue-on-fail the node fails on the first bad row and sends nothing, good rows included', async () => {
		const result = await runSeedream({
			sim,
			parameters: { resource: 'job', operation: 'get', jobId: '={{ $json.jobId }}' },
			items: [{ json: { jobId: '00000000-0000-4000-8000-000000000000' } }, { json: { jobId: '../me' } }],
		});
		expect(result.runData.Seedream[0].error?.message).toBe(`Invalid parameter: Job ID must be ${RULE} (got "../me")`);
		expect(sim.requests()).toHaveLength(0);
	});

	it('a surrounding space is trimmed; an ID of 64 characters is sent (Apiframe answers for non-UUIDs)', async () => {
		const result = await runSeedream({ sim, continueOnFail: true, parameters: { resource: 'job', operation: 'get', jobId: ` ${'a'.repeat(64)} ` } });
		expect(result.output('Seedream')[0].json.error).toBe('Apiframe rejected the request: Validation failed');
		expect(sim.requests().map((r) => r.path)).toEqual([`/v2/jobs/${'a'.repeat(64)}`]);
	});
});
