/**
 * One stalled download must not hold up the others of the process. The "CDN" is a local server
 * (the credential's Base URL origin): one file announces 40 MiB, sends 1 MiB and then nothing;
 * another delivery's image has no Content-Length (it counts as 16 MiB against the 48 MiB store
 * budget, so it could not start while the stalled one kept its 40 MiB).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { setDownloadLimits } from '../../../dist/nodes/shared/downloadWatch';
import { cleanupHarness, readBinary } from '../../harness';
import type { Simulator } from '../../simulator';
import { startSimulator } from '../../simulator';
import { useTestTimeScale } from '../../support/seedream';
import { LocalServer, TriggerReceiver } from './receiver';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pngLike = (bytes: Buffer) => (Buffer.from('89504e470d0a1a0a0000000d', 'hex').copy(bytes), bytes);
const MiB = 1024 * 1024;

describe('Seedream Trigger: a stalled download does not hold up the others', () => {
	let sim: Simulator;
	let receiver: TriggerReceiver;
	let cdn: LocalServer;
	let jobNumber = 0;
	const big = pngLike(randomBytes(40 * MiB));
	const small = pngLike(randomBytes(100 * 1024));
	const held: ServerResponse[] = [];

	beforeAll(async () => {
		useTestTimeScale();
		setDownloadLimits({ idleMs: 3_000, budgetIdleMs: 100 });
		sim = await startSimulator();
		receiver = new TriggerReceiver(sim);
		cdn = await new LocalServer().start();
	});
	afterAll(async () => {
		setDownloadLimits({});
		for (const res of held) res.destroy();
		await cdn.stop();
		await sim.close();
		await cleanupHarness();
	});

	async function deliver(url: string) {
		const jobId = `job-${++jobNumber}`;
		const body = JSON.stringify({ event: 'completed', jobId, status: 'COMPLETED', result: { images: [url] } });
		const outcome = await receiver.deliver(Buffer.from(body), { 'content-type': 'application/json' });
		return { jobId, item: outcome.items![0], finishedAtMs: Date.now() };
	}

	it('the other delivery finishes at once while the stalled one waits out its idle limit, then gets its file on the next try', async () => {
		receiver.baseUrl = cdn.url;
		receiver.parameters = { events: ['completed'], verifySignature: false };
		let firstMiBSent: () => void = () => undefined;
		const stalling = new Promise<void>((resolve) => (firstMiBSent = resolve));
		let bigRequests = 0;
		cdn.routes['/big.png'] = (_req, res) => {
			res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(big.length) });
			if (++bigRequests > 1) return void res.end(big);
			held.push(res);
			res.write(big.subarray(0, MiB), () => firstMiBSent());
		};
		cdn.routes['/small.png'] = (_req, res) => {
			res.writeHead(200, { 'content-type': 'image/png' });
			res.end(small);
		};

		const t0 = Date.now();
		const stalled = deliver(`${cdn.url}/big.png`);
		await stalling;
		// Let the stalled download read its first bytes and take its 40 MiB of the budget.
		await new Promise((resolve) => setTimeout(resolve, 50));
		const other = await deliver(`${cdn.url}/small.png`);
		expect(other.item.json.downloadError).toBeUndefined();
		expect(sha(await readBinary(other.item))).toBe(sha(small));
		// Well before the stalled download's 3 s idle limit: it was still stalled then.
		expect(other.finishedAtMs - t0).toBeLessThan(2_000);
		expect(bigRequests).toBe(1);

		const first = await stalled;
		expect(first.finishedAtMs - t0).toBeGreaterThanOrEqual(3_000);
		expect(first.item.json.downloadError).toBeUndefined();
		expect(sha(await readBinary(first.item))).toBe(sha(big));
		expect(cdn.paths).toEqual(['/big.png', '/small.png', '/big.png']);
	});
});
