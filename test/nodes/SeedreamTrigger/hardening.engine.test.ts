/**
 * The trigger against real signed deliveries of the simulator, and signed bodies made with its
 * key: every progress step runs once, a body too deep to echo still gives a clean item, a
 * `completed` without status is a completion, and a signed delivery is not run once it is old.
 */
import { signWebhook } from '../../simulator';
import { waitFor } from '../../support/waiting';
import { generateParameters, rows, runSeedream } from '../../support/seedream';
import { LocalServer, useTriggerReceiver } from './receiver';

const HOUR_MS = 60 * 60_000;

describe('Seedream Trigger hardening', () => {
	const { sim, receiver } = useTriggerReceiver();

	async function submit(prompt: string, events: string[]): Promise<string> {
		const result = await runSeedream({ sim, parameters: generateParameters({ waitForCompletion: false, options: { webhookUrl: receiver.url, webhookEvents: events } }), items: rows([prompt]) });
		return String(result.output('Seedream')[0].json.jobId);
	}

	it('each progress step of a job runs once (25, 50, 75), and a repeated step is a duplicate', async () => {
		receiver.parameters = { events: ['progress', 'completed'] };
		const jobId = await submit('a kite over dunes [[curve:stepped]]', ['progress', 'completed']);
		await waitFor(() => receiver.received.find((r) => r.items?.[0]?.json.event === 'completed'));
		const progress = receiver.received.filter((r) => r.items?.[0]?.json.event === 'progress').map((r) => r.items![0].json);
		expect(progress).toEqual([25, 50, 75].map((value) => ({ event: 'progress', jobId, status: 'PROCESSING', model: 'seedream-4.5', progress: value, imageUrls: [] })));
		const fifty = sim.deliveries().find((d) => d.event === 'progress' && d.body.includes('"progress":50'))!;
		const again = await receiver.deliver(Buffer.from(fifty.body), { 'x-webhook-event': 'progress', 'x-webhook-signature': fifty.signature });
		expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true }, items: undefined });
	});

	it('a signed failed body with a 20,000-deep error is answered 200 with one clean item', async () => {
		const text = `{"event":"failed","jobId":"deep-1","status":"FAILED","error":${'['.repeat(20_000)}${']'.repeat(20_000)},"model":"seedream-4.5"}`;
		const delivery = await receiver.deliver(Buffer.from(text), { 'content-type': 'application/json', 'x-webhook-signature': signWebhook(sim.apiKey, text) });
		expect(delivery.status).toBe(200);
		expect(delivery.items!.map((item) => item.json)).toEqual([{ event: 'failed', jobId: 'deep-1', status: 'FAILED', model: 'seedream-4.5', imageUrls: [], error: '[[[[[[[[[]]]]]]]]]' }]);
	});

	it('a signed completed body without status is a completion: its image is downloaded; without images it says so', async () => {
		receiver.parameters = { events: ['completed'] };
		const jobId = await submit('a teapot', ['completed']);
		const real = await waitFor(() => sim.deliveries().find((d) => d.event === 'completed' && d.status === 200));
		const { status: _status, ...withoutStatus } = JSON.parse(real.body) as Record<string, unknown>;
		receiver.reset();
		receiver.parameters = { events: ['completed'] };
		const delivery = await receiver.deliverSigned(withoutStatus);
		expect(delivery.items).toHaveLength(1);
		expect(delivery.items![0].json).toMatchObject({ event: 'completed', jobId, status: 'COMPLETED' });
		expect(delivery.items![0].binary!.data.fileName).toBe(`${jobId}-1.jpg`);
		const empty = await receiver.deliverSigned({ event: 'completed', jobId: 'empty-1' });
		expect(empty.items!.map((item) => item.json)).toEqual([
			{ event: 'completed', jobId: 'empty-1', status: 'COMPLETED', imageUrls: [], error: 'Job empty-1 is COMPLETED but lists no image URLs' },
		]);
	});

	it('a signed completed delivery older than 24 h is answered 200 and not run; a recent one replayed to another trigger of the key runs there', async () => {
		receiver.parameters = { events: ['completed'] };
		const completedAt = new Date(Date.now() - 25 * HOUR_MS).toISOString();
		const old = await receiver.deliverSigned({ event: 'completed', jobId: 'old-1', status: 'COMPLETED', completedAt, result: { images: [] } });
		expect(old).toMatchObject({ status: 200, body: { received: true, ignored: `Delivery of completedAt ${completedAt} is more than 24 h old: a replay, not run` }, items: undefined });
		expect(receiver.nodeStaticData.seenDeliveries).toBeUndefined();

		await submit('a lantern', ['completed']);
		const real = await waitFor(() => sim.deliveries().find((d) => d.event === 'completed' && d.status === 200));
		await waitFor(() => receiver.received.find((r) => r.items));
		// Another trigger (another workflow) with a credential of the same key: its own log.
		receiver.reset();
		receiver.parameters = { events: ['completed'] };
		const replayed = await receiver.deliver(Buffer.from(real.body), { 'x-webhook-event': 'completed', 'x-webhook-signature': real.signature });
		expect(replayed.status).toBe(200);
		expect(replayed.items).toHaveLength(1);
	});

	it('Read Job From API: an answer echoing the key, or a public http Base URL, gives readFromApiError without the key', async () => {
		const echo = await new LocalServer().start();
		try {
			echo.routes['/v2/jobs/echo-1'] = (req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `bad key ${String(req.headers['x-api-key'])}` }));
			receiver.parameters = { events: ['completed'], options: { readJobFromApi: true } };
			receiver.baseUrl = echo.url;
			const echoed = await receiver.deliverSigned({ event: 'completed', jobId: 'echo-1', status: 'COMPLETED' });
			expect(echoed.items!.map((item) => item.json)).toEqual([
				{ event: 'completed', jobId: 'echo-1', readFromApi: false, readFromApiError: 'Apiframe rejected the request: bad key afk_…0000' },
			]);
			expect(echo.paths).toEqual(['/v2/jobs/echo-1']);
			// The signature is still checked with the key (it goes nowhere); the read is refused.
			receiver.baseUrl = 'http://192.0.2.1:8787';
			const refused = await receiver.deliverSigned({ event: 'completed', jobId: 'echo-2', status: 'COMPLETED' });
			expect(refused.items!.map((item) => item.json)).toEqual([
				{
					event: 'completed',
					jobId: 'echo-2',
					readFromApi: false,
					readFromApiError: "The credential's Base URL http://192.0.2.1:8787 would send the API key unencrypted over plain http: use https://192.0.2.1:8787",
				},
			]);
		} finally {
			await echo.stop();
		}
	});
});
