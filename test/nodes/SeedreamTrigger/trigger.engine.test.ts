import { readBinary } from '../../harness';
import { signWebhook } from '../../simulator';
import { imageSize } from '../../support/imageSize';
import { waitFor } from '../../support/waiting';
import { generateParameters, rows, runSeedream } from '../../support/seedream';
import { useTriggerReceiver } from './receiver';

describe('Seedream Trigger receiving real deliveries from the simulator', () => {
	const { sim, receiver } = useTriggerReceiver();

	async function submit(prompts: string[], events = ['completed', 'failed']) {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ waitForCompletion: false, options: { webhookUrl: receiver.url, webhookEvents: events } }),
			items: rows(prompts),
		});
		return result.output('Seedream').map((item) => String(item.json.jobId));
	}

	it('a completed job starts the workflow with its image as a file', async () => {
		const [jobId] = await submit(['a lighthouse in a storm']);
		const delivery = await waitFor(() => receiver.received.find((r) => r.items));
		expect(delivery.status).toBe(200);
		const [item] = delivery.items!;
		expect(item.json).toMatchObject({ event: 'completed', jobId, status: 'COMPLETED', model: 'seedream-4.5', creditCost: 4, imageUrls: [expect.any(String)], completedAt: expect.any(String) });
		expect(item.binary!.data.fileName).toBe(`${jobId}-1.jpg`);
		expect(imageSize(await readBinary(item))).toMatchObject({ format: 'jpg', width: 64, height: 64 });
		await waitFor(() => sim.jobs()[0].webhookStatus === 'delivered');
	});

	it('a failed job yields one item with Apiframe\'s error', async () => {
		const [jobId] = await submit(['something forbidden [[fail]]']);
		const delivery = await waitFor(() => receiver.received.find((r) => r.items));
		expect(delivery.items).toHaveLength(1);
		expect(delivery.items![0].json).toMatchObject({ event: 'failed', jobId, status: 'FAILED', error: expect.stringMatching(/Content policy/) });
		expect(delivery.items![0].binary).toBeUndefined();
	});

	it('a forged or tampered delivery gets 401 and starts nothing', async () => {
		await submit(['a quiet forest']);
		const real = await waitFor(() => sim.deliveries().find((d) => d.status === 200));
		const tampered = real.body.replace('COMPLETED', 'FAILED');
		const forged = await receiver.deliver(Buffer.from(tampered), { 'content-type': 'application/json', 'x-webhook-event': 'failed', 'x-webhook-signature': real.signature });
		expect(forged).toMatchObject({ status: 401, body: { error: 'Missing or invalid X-Webhook-Signature' }, items: undefined });
		const unsigned = await receiver.deliver(Buffer.from(real.body), { 'content-type': 'application/json', 'x-webhook-event': 'completed' });
		expect(unsigned).toMatchObject({ status: 401, items: undefined });
		const wrongKey = await receiver.deliver(Buffer.from(real.body), { 'x-webhook-event': 'completed', 'x-webhook-signature': signWebhook('afk_someone_else', real.body) });
		expect(wrongKey).toMatchObject({ status: 401, items: undefined });
	});

	it('a duplicate delivery yields nothing new', async () => {
		await submit(['a red kite']);
		const real = await waitFor(() => sim.deliveries().find((d) => d.status === 200));
		const again = await receiver.deliver(Buffer.from(real.body), { 'x-webhook-event': real.event, 'x-webhook-signature': real.signature });
		expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true }, items: undefined });
		expect(receiver.received.filter((r) => r.items)).toHaveLength(1);
	});

	it('events not chosen are answered 200 and start nothing', async () => {
		await submit(['a slow sunrise'], ['progress', 'completed']);
		await waitFor(() => receiver.received.find((r) => r.items));
		await waitFor(() => sim.jobs()[0].webhookStatus === 'delivered');
		const progress = receiver.received.filter((r) => r.event === 'progress');
		expect(progress.length).toBeGreaterThan(0);
		expect(progress.every((r) => r.status === 200 && r.items === undefined)).toBe(true);
	});

	it('can re-read the job from the API instead of trusting the payload', async () => {
		receiver.parameters = { events: ['completed'], options: { readJobFromApi: true } };
		const [jobId] = await submit(['a glass of water']);
		const delivery = await waitFor(() => receiver.received.find((r) => r.items));
		expect(delivery.items![0].json).toMatchObject({ jobId, readFromApi: true });
		expect(sim.requests().some((r) => r.method === 'GET' && r.path === `/v2/jobs/${jobId}`)).toBe(true);
	});

	it('answers bad input clearly and never fetches non-web URLs', async () => {
		const send = (body: string, event = 'completed') =>
			receiver.deliver(Buffer.from(body), { 'x-webhook-event': event, 'x-webhook-signature': signWebhook(sim.apiKey, body) });
		expect(await send('{not json')).toMatchObject({ status: 400, body: { error: 'Body is not valid JSON' } });
		expect(await send(JSON.stringify({ status: 'COMPLETED' }))).toMatchObject({ status: 400, body: { error: 'No jobId in the body' } });
		expect(await send(JSON.stringify({ jobId: 'x1' }), 'exploded')).toMatchObject({ status: 200, body: { ignored: 'Unknown event "exploded" ignored' } });
		const sneaky = await send(JSON.stringify({ jobId: 'x2', status: 'COMPLETED', result: 'file:///etc/passwd' }));
		expect(sneaky.status).toBe(200);
		expect(sneaky.items![0].json).toMatchObject({ jobId: 'x2', downloadError: expect.stringMatching(/only http and https/) });
		expect(sneaky.items![0].binary).toBeUndefined();
		const stringResult = await send(JSON.stringify({ jobId: 'x3', status: 'COMPLETED', result: `${sim.url}/files/none-1.png` }));
		expect(stringResult.items![0].json).toMatchObject({ jobId: 'x3', imageUrls: [`${sim.url}/files/none-1.png`], downloadError: expect.any(String) });
	});

	it('with verification off, an unsigned delivery is accepted', async () => {
		receiver.parameters = { events: ['failed'], verifySignature: false };
		const outcome = await receiver.deliver(Buffer.from(JSON.stringify({ event: 'failed', jobId: 'u1', status: 'FAILED', error: 'boom' })), {});
		expect(outcome.items![0].json).toMatchObject({ event: 'failed', jobId: 'u1', error: 'boom' });
	});
});
