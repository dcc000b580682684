/**
 * What the trigger downloads when anyone can write the payload (signature checks off): only
 * trusted origins, every redirect hop checked, at most 16 URLs, at most DOWNLOAD_MAX_BYTES each.
 * `cdn` is a local server standing in for the credential's Base URL origin (trusted exactly);
 * `target` is another local port that must never hear from n8n. No traffic leaves 127.0.0.1:
 * 169.254.169.254 and 10.0.0.1 are refused before any connection is made.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { DOWNLOAD_MAX_BYTES } from '../../../dist/nodes/shared/constants';
import { cleanupHarness, readBinary } from '../../harness';
import type { Simulator } from '../../simulator';
import { startSimulator } from '../../simulator';
import { useTestTimeScale } from '../../support/seedream';
import { LocalServer, TriggerReceiver } from './receiver';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Bytes that start like a PNG (only the first bytes are checked), the rest as given. */
const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a0000000d', 'hex');
const pngLike = (bytes: Buffer) => (PNG_SIGNATURE.copy(bytes), bytes);

/** Writes `bytes` in the given chunk sizes (cycled), without Content-Length, honouring backpressure. */
function streamChunked(res: ServerResponse, bytes: Buffer, sizes: number[]): { closedEarly: () => boolean; sent: () => number } {
	let offset = 0;
	let closed = false;
	res.on('close', () => (closed = !res.writableFinished));
	res.writeHead(200, { 'content-type': 'image/png' });
	const step = (turn: number): void => {
		while (offset < bytes.length && !closed) {
			const size = sizes[turn++ % sizes.length];
			const more = res.write(bytes.subarray(offset, offset + size));
			offset = Math.min(bytes.length, offset + size);
			if (!more) {
				res.once('drain', () => step(turn));
				return;
			}
			if (turn % 7 === 0) {
				setImmediate(() => step(turn));
				return;
			}
		}
		if (!closed) res.end();
	};
	step(0);
	return { closedEarly: () => closed, sent: () => offset };
}

const redirect = (location: string) => (_req: unknown, res: ServerResponse) => res.writeHead(302, { location }).end();

describe('Seedream Trigger downloads: trusted origins and byte caps', () => {
	let sim: Simulator;
	let receiver: TriggerReceiver;
	let cdn: LocalServer;
	let target: LocalServer;
	let jobNumber = 0;
	const image = pngLike(randomBytes(3 * 1024 * 1024 + 17));

	beforeAll(async () => {
		useTestTimeScale();
		sim = await startSimulator();
		receiver = new TriggerReceiver(sim);
		cdn = await new LocalServer().start();
		target = await new LocalServer().start();
	});
	beforeEach(() => {
		receiver.reset();
		cdn.reset();
		target.reset();
		receiver.baseUrl = cdn.url;
		receiver.parameters = { events: ['completed'], verifySignature: false };
		cdn.routes['/ok.png'] = (_req, res) => res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(image.length) }).end(image);
		target.routes['/a.png'] = cdn.routes['/ok.png'];
	});
	afterAll(async () => {
		await cdn.stop();
		await target.stop();
		await sim.close();
		await cleanupHarness();
	});

	/** An unsigned "completed" delivery whose result lists `urls`; returns its one item. */
	async function deliver(urls: string[]) {
		const jobId = `job-${++jobNumber}`;
		const body = JSON.stringify({ event: 'completed', jobId, status: 'COMPLETED', result: { images: urls } });
		const outcome = await receiver.deliver(Buffer.from(body), { 'content-type': 'application/json' });
		expect(outcome.status).toBe(200);
		expect(outcome.items).toHaveLength(1);
		return { jobId, item: outcome.items![0] };
	}
	const loopbackRefusal = (url: string) =>
		`Refusing to download ${url}: 127.0.0.1 is a loopback address, and only the credential's Base URL origin (${cdn.url}) may be one`;

	it('fetches from the Base URL origin exactly, and refuses other loopback ports, link-local and private hosts without a request', async () => {
		const { jobId, item } = await deliver([`${cdn.url}/ok.png`]);
		expect(item.binary!.data).toMatchObject({ fileName: `${jobId}-1.png`, mimeType: 'image/png' });
		expect(sha(await readBinary(item))).toBe(sha(image));

		const refused = [
			[`${target.url}/a.png`, loopbackRefusal(`${target.url}/a.png`)],
			[
				'http://169.254.169.254/latest/meta-data/iam',
				`Refusing to download http://169.254.169.254/latest/meta-data/iam: 169.254.169.254 is a link-local address, and only the credential's Base URL origin (${cdn.url}) may be one`,
			],
			['http://10.0.0.1/b.png', `Refusing to download http://10.0.0.1/b.png: 10.0.0.1 is a private address, and only the credential's Base URL origin (${cdn.url}) may be one`],
			[
				'https://images.example.com/c.png',
				`Refusing to download https://images.example.com/c.png: https://images.example.com is not a trusted image origin (trusted: https://*.apiframe.ai, ${cdn.url})`,
			],
		];
		for (const [url, reason] of refused) {
			const { item: refusedItem } = await deliver([url]);
			expect(refusedItem.json.downloadError).toBe(reason);
			expect(refusedItem.binary).toBeUndefined();
		}
		expect(target.requestCount).toBe(0);
		expect(cdn.paths).toEqual(['/ok.png']);
	});

	it('the Trusted Image Origins option adds origins, but never another loopback port', async () => {
		receiver.parameters = { ...receiver.parameters, options: { trustedImageOrigins: `https://*.example.com, ${target.url}` } };
		const { item } = await deliver([`${target.url}/a.png`]);
		expect(item.json.downloadError).toBe(
			`Trusted Image Origins: "${target.url}" is a loopback address: only the credential's Base URL origin may be one`,
		);
		expect(target.requestCount).toBe(0);
	});

	it('checks every redirect hop: trusted → untrusted is refused and the target never hears of it', async () => {
		cdn.routes['/to-target'] = redirect(`${target.url}/a.png`);
		cdn.routes['/to-metadata'] = redirect('http://169.254.169.254/latest/meta-data/');
		cdn.routes['/relative'] = redirect('/ok.png');
		for (let hop = 0; hop < 4; hop++) cdn.routes[`/hop${hop}`] = redirect(`/hop${hop + 1}`);
		cdn.routes['/hop4'] = cdn.routes['/ok.png'];

		const toTarget = await deliver([`${cdn.url}/to-target`]);
		expect(toTarget.item.json.downloadError).toBe(
			`The image at ${cdn.url}/to-target redirected to ${target.url}/a.png, which is refused. ${loopbackRefusal(`${target.url}/a.png`)}`,
		);
		const toMetadata = await deliver([`${cdn.url}/to-metadata`]);
		expect(toMetadata.item.json.downloadError).toBe(
			`The image at ${cdn.url}/to-metadata redirected to http://169.254.169.254/latest/meta-data/, which is refused. Refusing to download http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a link-local address, and only the credential's Base URL origin (${cdn.url}) may be one`,
		);
		const relative = await deliver([`${cdn.url}/relative`]);
		expect(sha(await readBinary(relative.item))).toBe(sha(image));
		// Three redirects are followed; a fourth is refused.
		const threeHops = await deliver([`${cdn.url}/hop1`]);
		expect(sha(await readBinary(threeHops.item))).toBe(sha(image));
		const fourHops = await deliver([`${cdn.url}/hop0`]);
		expect(fourHops.item.json.downloadError).toBe(`The image at ${cdn.url}/hop0 redirected more than 3 times`);

		expect(target.requestCount).toBe(0);
		// Refusals are final: each refused redirect was asked for once, never retried.
		expect(cdn.paths).toEqual(['/to-target', '/to-metadata', '/relative', '/ok.png', '/hop1', '/hop2', '/hop3', '/hop4', '/hop0', '/hop1', '/hop2', '/hop3']);
	});

	it('the first bytes decide the type: a PNG served as image/jpeg is stored as a PNG; a JSON page as image/png is refused, once', async () => {
		cdn.routes['/labelled.jpg'] = (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(image);
		const { jobId, item } = await deliver([`${cdn.url}/labelled.jpg`]);
		expect(item.binary!.data).toMatchObject({ fileName: `${jobId}-1.png`, mimeType: 'image/png' });
		expect(sha(await readBinary(item))).toBe(sha(image));

		cdn.routes['/error.png'] = (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end('{"error":"AccessDenied"}');
		const refused = await deliver([`${cdn.url}/error.png`]);
		expect(refused.item.json.downloadError).toBe(`The file at ${cdn.url}/error.png is not an image (it starts with "{"error":"Ac"; Content-Type image/png)`);
		cdn.routes['/tiny.png'] = (_req, res) => res.writeHead(200).end(Buffer.from('89504e47', 'hex'));
		const tiny = await deliver([`${cdn.url}/tiny.png`]);
		expect(tiny.item.json.downloadError).toBe(`The file at ${cdn.url}/tiny.png is not an image (it has only 4 bytes; Content-Type none)`);
		expect(cdn.paths).toEqual(['/labelled.jpg', '/error.png', '/tiny.png']);
	});

	it('fetches at most 16 URLs of a job: a longer list downloads nothing', async () => {
		const { item } = await deliver(Array.from({ length: 17 }, () => `${cdn.url}/ok.png`));
		expect(item.json.downloadError).toBe('The job lists 17 image URLs; at most 16 are downloaded per job, so none were');
		expect(cdn.requestCount).toBe(0);
	});

	it('stops a download over the byte cap without Content-Length, naming the URL and the cap', async () => {
		expect(DOWNLOAD_MAX_BYTES).toBe(64 * 1024 * 1024);
		const huge = pngLike(Buffer.alloc(DOWNLOAD_MAX_BYTES + 16 * 1024 * 1024, 7));
		let stream: ReturnType<typeof streamChunked> | undefined;
		cdn.routes['/huge.png'] = (_req, res) => (stream = streamChunked(res, huge, [1024 * 1024]));
		const { item } = await deliver([`${cdn.url}/huge.png`]);
		expect(item.json.downloadError).toBe(
			`The image at ${cdn.url}/huge.png is larger than the download cap of 64 MiB (67108864 bytes): the download was stopped there`,
		);
		expect(item.binary).toBeUndefined();
		expect(cdn.paths).toEqual(['/huge.png']);
		// n8n hung up: the server could not send the whole body.
		expect(stream!.closedEarly()).toBe(true);
		expect(stream!.sent()).toBeLessThan(huge.length);
	});

	it('refuses a declared Content-Length over the cap before reading the body', async () => {
		cdn.routes['/declared.png'] = (_req, res) => res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(DOWNLOAD_MAX_BYTES + 1) }).write('x');
		const { item } = await deliver([`${cdn.url}/declared.png`]);
		expect(item.json.downloadError).toBe(
			`The image at ${cdn.url}/declared.png is larger than the download cap of 64 MiB (67108864 bytes): Content-Length 67108865`,
		);
		expect(cdn.paths).toEqual(['/declared.png']);
	});

	it('counting loses no byte: irregular chunks and a file of exactly the cap arrive byte for byte', async () => {
		cdn.routes['/irregular.png'] = (_req, res) => void streamChunked(res, image, [1, 7, 65_536, 100_003, 3, 250_000]);
		const irregular = await deliver([`${cdn.url}/irregular.png`]);
		const stored = await readBinary(irregular.item);
		expect(stored.length).toBe(image.length);
		expect(stored.equals(image)).toBe(true);

		const atCap = pngLike(randomBytes(DOWNLOAD_MAX_BYTES));
		cdn.routes['/at-cap.png'] = (_req, res) => void streamChunked(res, atCap, [1024 * 1024 - 5]);
		const exact = await deliver([`${cdn.url}/at-cap.png`]);
		expect(exact.item.json.downloadError).toBeUndefined();
		expect(exact.item.binary!.data.bytes).toBe(DOWNLOAD_MAX_BYTES);
		expect(sha(await readBinary(exact.item))).toBe(sha(atCap));
	});
});
