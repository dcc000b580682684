/**
 * The trigger believes only the signed body: event, job id and status. Real signed deliveries
 * from the simulator, run through n8n-core's WebhookContext (see receiver.ts).
 */
import { generateParameters, rows, runSeedream } from '../../support/seedream';
import { waitFor } from '../../support/waiting';
import type { Received } from './receiver';
import { LocalServer, useTriggerReceiver } from './receiver';

const NOT_A_JOB_ID = { error: 'The jobId is not a job id (1–64 characters of A–Z, a–z, 0–9, "_" and "-")' };

describe('Seedream Trigger: only signed fields count', () => {
	const { sim, receiver } = useTriggerReceiver();
	let target: LocalServer;

	beforeAll(async () => {
		target = await new LocalServer().start();
	});
	beforeEach(() => target.reset());
	afterAll(async () => {
		await target.stop();
	});

	async function submit(prompts: string[], events: string[]): Promise<string[]> {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ waitForCompletion: false, options: { webhookUrl: receiver.url, webhookEvents: events } }),
			items: rows(prompts),
		});
		return result.output('Seedream').map((item) => String(item.json.jobId));
	}

	it('a signed progress body re-sent as "completed" is refused and starts nothing; the real completion still starts the run', async () => {
		receiver.parameters = { events: ['completed'] };
		let replayed: Received | undefined;
		// While the simulator waits for our answer to its first progress delivery, replay that
		// very body (signature intact) with the header changed: the attack from the review.
		receiver.beforeDelivery = async (body, headers) => {
			if (headers['x-webhook-event'] !== 'progress' || replayed) return;
			replayed = await receiver.deliver(body, { ...headers, 'x-webhook-event': 'completed' });
		};
		const [jobId] = await submit(['a harbour at dawn'], ['progress', 'completed']);
		await waitFor(() => sim.jobs()[0]?.webhookStatus === 'delivered', 10_000, 'all deliveries');

		expect(replayed).toEqual({
			status: 400,
			body: { error: 'X-Webhook-Event says "completed" but the signed body says "progress"' },
			items: undefined,
			event: 'completed',
		});
		const runs = receiver.received.filter((r) => r.items);
		expect(runs).toHaveLength(1);
		expect(runs[0].items![0].json).toMatchObject({ event: 'completed', jobId, status: 'COMPLETED' });
		expect(runs[0].items![0].binary!.data.fileName).toBe(`${jobId}-1.jpg`);
		// The log holds the real completion, keyed on the signed jobId and event.
		expect(receiver.nodeStaticData.seenDeliveries).toEqual([`${jobId}:completed`]);
		expect(sim.deliveries().filter((d) => d.event === 'completed').map((d) => d.status)).toEqual([200]);
	});

	it('a status that contradicts the event, or a header the body does not confirm, is refused', async () => {
		receiver.parameters = { events: ['completed', 'failed', 'progress'] };
		expect(await receiver.deliverSigned({ event: 'completed', jobId: 'job-1', status: 'PROCESSING' })).toMatchObject({
			status: 400,
			body: { error: 'The signed body\'s status "PROCESSING" contradicts the event "completed"' },
			items: undefined,
		});
		// No event in the signed body: the header is used only if the signed status agrees with it.
		expect(await receiver.deliverSigned({ jobId: 'job-2', status: 'PROCESSING', progress: 40 }, 'completed')).toMatchObject({
			status: 400,
			body: { error: 'The signed body\'s status "PROCESSING" contradicts the event "completed"' },
		});
		expect(await receiver.deliverSigned({ jobId: 'job-3' }, 'completed')).toMatchObject({
			status: 400,
			body: { error: 'No "status" in the signed body to confirm X-Webhook-Event "completed"' },
		});
		const fallback = await receiver.deliverSigned({ jobId: 'job-4', status: 'FAILED', error: 'boom' }, 'failed');
		expect(fallback).toMatchObject({ status: 200, body: { received: true } });
		expect(fallback.items![0].json).toEqual({ event: 'failed', jobId: 'job-4', status: 'FAILED', imageUrls: [], error: 'boom' });
		expect(receiver.nodeStaticData.seenDeliveries).toEqual(['job-4:failed']);
	});

	it('with signature checks off, X-Webhook-Event alone names no event', async () => {
		receiver.parameters = { events: ['failed'], verifySignature: false };
		const body = Buffer.from(JSON.stringify({ jobId: 'job-5', status: 'FAILED', error: 'boom' }));
		expect(await receiver.deliver(body, { 'x-webhook-event': 'failed' })).toEqual({
			status: 400,
			body: { error: 'No event name in the body ("event" or "type") (X-Webhook-Event alone is not trusted while signature checks are off)' },
			items: undefined,
			event: 'failed',
		});
		expect(receiver.nodeStaticData.seenDeliveries).toBeUndefined();
	});

	it('a job id that does not look like one gets 400 and enters neither the log nor a file name', async () => {
		for (const jobId of ['a'.repeat(65), '../../etc/passwd', 'job 1', 'x'.repeat(100_000), 42]) {
			const outcome = await receiver.deliverSigned({ event: 'completed', jobId, status: 'COMPLETED', result: { images: [] } });
			expect(outcome).toMatchObject({ status: 400, body: NOT_A_JOB_ID, items: undefined });
		}
		expect(await receiver.deliverSigned({ event: 'completed', jobId: 'a', id: 'b', status: 'COMPLETED' })).toMatchObject({
			status: 400,
			body: { error: 'The body\'s "jobId" and "id" disagree' },
		});
		expect(receiver.nodeStaticData.seenDeliveries).toBeUndefined();
		const longest = 'A-_z09'.repeat(10) + 'abcd';
		expect(longest).toHaveLength(64);
		expect(await receiver.deliverSigned({ event: 'completed', jobId: longest, status: 'COMPLETED', result: { images: [] } })).toMatchObject({ status: 200 });
		expect(receiver.nodeStaticData.seenDeliveries).toEqual([`${longest}:completed`]);
	});

	it('Read Job From API: when the read fails, the run says so and no payload URL is fetched', async () => {
		receiver.parameters = { events: ['completed'], options: { readJobFromApi: true } };
		// Every attempt of the trigger's job read (8, with backoff) answers 503.
		sim.injectFaults({ kind: 503, count: 8, pathPrefix: '/v2/jobs/', method: 'GET' });
		const [jobId] = await submit(['a paper boat'], ['completed']);
		const run = await waitFor(() => receiver.received.find((r) => r.items));
		expect(run.items).toEqual([
			{
				json: {
					event: 'completed',
					jobId,
					readFromApi: false,
					readFromApiError: 'Apiframe is unavailable (HTTP 503): Service temporarily unavailable',
				},
			},
		]);
		expect(sim.requests().filter((r) => r.method === 'GET' && r.path === `/v2/jobs/${jobId}`)).toHaveLength(8);
		// The signed payload named the job's file on the simulator: it was not downloaded.
		expect(sim.requests().filter((r) => r.path.startsWith('/files/'))).toEqual([]);
	});

	it('Read Job From API with signature checks off: a made-up job gives the API\'s answer, never the payload\'s URLs', async () => {
		receiver.parameters = { events: ['completed'], verifySignature: false, options: { readJobFromApi: true } };
		const jobId = '00000000-0000-4000-8000-000000000000';
		const payload = { event: 'completed', jobId, status: 'COMPLETED', result: { images: [`${target.url}/a.png`, `${sim.url}/files/${jobId}-1.jpg`] } };
		const outcome = await receiver.deliver(Buffer.from(JSON.stringify(payload)), { 'content-type': 'application/json' });
		expect(outcome.items).toEqual([
			{ json: { event: 'completed', jobId, readFromApi: false, readFromApiError: `Apiframe has no such job (job ${jobId})` } },
		]);
		expect(target.requestCount).toBe(0);
		expect(sim.requests().filter((r) => r.path.startsWith('/files/'))).toEqual([]);
	});

	it('the saved delivery log stays within 2,000 entries and 128 KiB, and drops what an older version saved unchecked', async () => {
		const id64 = (i: number) => `${'j'.repeat(60)}${String(i).padStart(4, '0')}`;
		receiver.nodeStaticData = {
			webhookUrl: receiver.url,
			seenDeliveries: [`${'x'.repeat(1_000_000)}:completed`, 'bad entry', ...Array.from({ length: 2500 }, (_, i) => `${id64(i)}:completed`)],
		};
		const outcome = await receiver.deliverSigned({ event: 'failed', jobId: 'job-new', status: 'FAILED', error: 'boom' });
		expect(outcome.status).toBe(200);
		const log = receiver.nodeStaticData.seenDeliveries as string[];
		// 74-character keys: 1 + 77 n bytes for n keys; 1,702 of them fit in 131,072 with the new one.
		expect(log).toHaveLength(1703);
		expect(log[0]).toBe(`${id64(798)}:completed`);
		expect(log[1701]).toBe(`${id64(2499)}:completed`);
		expect(log[1702]).toBe('job-new:failed');
		expect(Buffer.byteLength(JSON.stringify(log))).toBe(131_072);
		expect(receiver.nodeStaticData.webhookUrl).toBe(receiver.url);
	});
});
