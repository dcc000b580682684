import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { generateParameters, rows, runSeedream, useSimulator } from '../../support/seedream';
import { sleep, waitFor } from '../../support/waiting';

const png = Buffer.from(
	'89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
	'hex',
);
/** Far longer than the test: a socket closed sooner was closed by the node, not by the stall's end. */
const STALL_MS = 30_000;

interface Case {
	what: string;
	pathPrefix: string;
	/** Jobs created by the time the request hangs. */
	jobs: number;
	parameters?: INodeParameters;
	items?: INodeExecutionData[];
}

const cases: Case[] = [
	{ what: "a look at the account's jobs", pathPrefix: '/v2/jobs', jobs: 1 },
	{ what: "the download of the job's image", pathPrefix: '/files/', jobs: 1 },
	{
		what: 'the upload of a reference file',
		pathPrefix: '/v2/uploads',
		jobs: 0,
		parameters: generateParameters({ referenceImageBinary: 'photo' }),
		items: [{ json: { prompt: 'the pier in ink' }, binary: { photo: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'photo.png' } } }],
	},
];

describe("a user's Stop reaches the HTTP request in flight", () => {
	const sim = useSimulator({ maxConcurrentJobs: 10 });

	it.each(cases)('$what that hangs: its socket is closed within a second, the run is canceled, no error', async ({ pathPrefix, jobs, parameters, items }) => {
		sim.injectFaults({ kind: 'stall', count: 1, pathPrefix, stallMs: STALL_MS });
		const stop = new AbortController();
		const running = runSeedream({
			sim,
			abortSignal: stop.signal,
			parameters: parameters ?? generateParameters(),
			items: items ?? rows(['a pier at low tide']),
		});
		const stalled = () => sim.requests().find((r) => r.fault === 'stall');
		await waitFor(() => stalled()?.status === null, 10_000, `the stalled request to ${pathPrefix}`);

		const stoppedAt = Date.now();
		stop.abort();
		const result = await running;
		// The simulator records status 0 the moment the server sees the connection close.
		const closedAfterMs = await waitFor(() => stalled()?.status === 0 && Date.now() - stoppedAt, 5_000, 'the stalled socket to close');
		await result.engineSettled;
		const settledAfterMs = Date.now() - stoppedAt;
		const requestsAtStop = sim.requests().length;
		await sleep(300);

		expect(stalled()).toMatchObject({ path: expect.stringMatching(new RegExp(`^${pathPrefix}`)), status: 0 });
		expect(closedAfterMs).toBeLessThan(1_000);
		// The node itself returned, instead of sitting in the hung request until the stall ends.
		expect(settledAfterMs).toBeLessThan(1_000);
		expect(result.status).toBe('canceled');
		expect(result.error).toBeUndefined();
		expect(result.runData.Seedream?.[0]?.error).toBeUndefined();
		expect(sim.jobs()).toHaveLength(jobs);
		expect(sim.requests().length).toBe(requestsAtStop);
	});
});
