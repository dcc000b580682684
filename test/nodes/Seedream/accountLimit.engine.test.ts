import { cleanupHarness } from '../../harness';
import type { Simulator } from '../../simulator';
import { startSimulator } from '../../simulator';
import { http } from '../../support/http';
import { generateParameters, rows, runSeedream, TEST_IMAGE_SCALE, useTestTimeScale } from '../../support/seedream';
import { forgetAll } from '../../../dist/nodes/Seedream/jobRunner/registry';

/** Slower than the other engine tests (a 15 s job in 3 s): a poll delayed past a job's end by a busy machine would show the first round's queued jobs as started, and the window would rightly grow. */
const TIME_SCALE = 0.2;
/**
 * A job "waited on the API" when it started more than a tenth of a job (1.5 s simulated, 300 ms
 * here) after its submit: a busy machine's timers delay a start by tens of ms, a wait for a place
 * lasts until some job ends.
 */
const WAITED_MS = 0.1 * 15_000 * TIME_SCALE;
const prompts = (n: number) => Array.from({ length: n }, (_, i) => `a weather vane, angle ${i + 1}`);

function spansOf(sim: Simulator) {
	return sim.jobs().map((job) => ({ prompt: job.prompt, created: Date.parse(job.createdAt), start: Date.parse(job.startedAt!), end: Date.parse(job.completedAt!) }));
}
const mostAtOnce = (spans: ReturnType<typeof spansOf>) => Math.max(...spans.map((a) => spans.filter((b) => b.start <= a.start && a.start < b.end).length));

describe("the account's running-job limit, found from what the API does (/v2/me does not report it)", () => {
	let sim: Simulator;
	beforeAll(async () => {
		useTestTimeScale(TIME_SCALE);
		sim = await startSimulator({ timeScale: TIME_SCALE, imageScale: TEST_IMAGE_SCALE, latencySpreadMs: 0, maxConcurrentJobs: 10 });
	});
	beforeEach(() => {
		sim.reset();
		forgetAll();
	});
	afterAll(async () => {
		await sim.close();
		await cleanupHarness();
	});

	it('a hidden cap of 10: 16 start, the 6 that wait behind the 10 running settle it at 10, and no later job waits', async () => {
		const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(prompts(30)) });
		expect(result.output('Seedream').filter((item) => item.binary?.data)).toHaveLength(30);
		const spans = spansOf(sim);
		expect(spans).toHaveLength(30);
		// A job waited on the API when it started only after one of ours had finished.
		const firstEnd = Math.min(...spans.map((span) => span.end));
		const waited = spans.filter((span) => span.start >= firstEnd && span.start - span.created > WAITED_MS);
		const firstSixteen = [...spans].sort((a, b) => a.created - b.created).slice(0, 16);
		expect(waited.filter((span) => firstSixteen.includes(span))).toHaveLength(6);
		// Later, at most 2 of ours wait on the API at once: the window's probe for one more, and a job
		// submitted into the place of one that ended but had not been looked at yet.
		const later = spans.filter((span) => !firstSixteen.includes(span));
		const waitingAt = (t: number) => later.filter((span) => span.created <= t && t < span.start - WAITED_MS).length;
		expect(Math.max(0, ...later.map((span) => waitingAt(span.created)))).toBeLessThanOrEqual(2);
		expect(mostAtOnce(spans)).toBe(10);
		expect(sim.requests().filter((r) => r.path === '/v2/me').map((r) => r.status)).toEqual([200]);
	});

	it('no cap: 40 rows all run at once after one early look at the first 16', async () => {
		const open = await startSimulator({ timeScale: TIME_SCALE, imageScale: TEST_IMAGE_SCALE, latencySpreadMs: 0, maxConcurrentJobs: 0 });
		try {
			const result = await runSeedream({ sim: open, parameters: generateParameters(), items: rows(prompts(40)) });
			expect(result.output('Seedream')).toHaveLength(40);
			const spans = spansOf(open);
			const firstEnd = Math.min(...spans.map((span) => span.end));
			// Every job was submitted before the first one ended: 16, then the other 24 after the look.
			expect(spans.filter((span) => span.created >= firstEnd)).toEqual([]);
			expect(mostAtOnce(spans)).toBe(40);
		} finally {
			await open.close();
		}
	});

	it('the account full with jobs another n8n process submitted: 16 of ours wait, and the window does not grow past them', async () => {
		// Another worker's 10 jobs hold every place of the account (same key, submitted straight to the API).
		const theirs = await Promise.all(
			prompts(10).map(async (prompt) => {
				const res = await http.post<{ jobId: string }>(`${sim.url}/v2/images/generate`, { model: 'seedream-4.5', prompt: `theirs: ${prompt}` }, { headers: { 'x-api-key': sim.apiKey } });
				return res.data.jobId;
			}),
		);
		expect(theirs).toHaveLength(10);
		const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(prompts(30)) });
		expect(result.output('Seedream').filter((item) => item.binary?.data)).toHaveLength(30);
		const ours = spansOf(sim).filter((span) => !span.prompt.startsWith('theirs: '));
		expect(ours).toHaveLength(30);
		const inFlightAt = (t: number) => ours.filter((span) => span.created <= t && t < span.end).length;
		expect(Math.max(...ours.map((span) => inFlightAt(span.created)))).toBe(16);
		// Every look lists the account's newest jobs, ours and theirs, in one request (no status filter).
		const looks = sim.requests().filter((r) => r.path === '/v2/jobs');
		expect(looks.length).toBeGreaterThan(0);
		expect(looks.filter((r) => JSON.stringify(r.query) !== JSON.stringify({ limit: '100' }))).toEqual([]);
	});

	it('Max Running Jobs 3 keeps 3 running, none waiting on the API', async () => {
		await runSeedream({ sim, parameters: generateParameters({ outputOptions: { maxRunningJobs: 3 } }), items: rows(prompts(9)) });
		const spans = spansOf(sim);
		expect(spans).toHaveLength(9);
		expect(mostAtOnce(spans)).toBe(3);
		// Each job started as soon as it was submitted: the node, not the API's queue, held the others back.
		expect(spans.filter((span) => span.start - span.created > WAITED_MS)).toEqual([]);
	});
});
