/**
 * Result downloads that cannot hang or mislead, through n8n's engine against the simulator's CDN
 * faults: a stalled file is ended and tried again, a gzip answer is stored decoded, an HTML page
 * served as image/jpeg is refused before anything is stored, and a CDN 404 reads as a download
 * that failed (with the 24 h expiry), never as an API key or job problem.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { RETRY_MAX_ATTEMPTS } from '../../../dist/nodes/shared/constants';
import { setDownloadLimits } from '../../../dist/nodes/shared/downloadWatch';
import { download } from '../../support/http';
import { generateParameters, rows, runSeedream, useSimulator } from '../../support/seedream';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file n8n's binary store (filesystem mode) holds right now. */
function storedFiles(): string[] {
	// Set by the harness on its first run (filesystem mode); before that nothing can be stored.
	const root = process.env.N8N_BINARY_DATA_STORAGE_PATH;
	if (!root || !existsSync(root)) return [];
	return (readdirSync(root, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; name: string; parentPath?: string; path?: string }>)
		.filter((entry) => entry.isFile())
		.map((entry) => path.join(entry.parentPath ?? entry.path ?? '', entry.name));
}

describe('Image → Generate: downloads that cannot hang or mislead', () => {
	const sim = useSimulator();
	beforeAll(() => setDownloadLimits({ idleMs: 300, budgetIdleMs: 100 }));
	afterAll(() => setDownloadLimits({}));

	const fileRequests = () => sim.requests().filter((r) => r.path.startsWith('/files/'));
	const fileUrl = () => `${sim.url}${fileRequests()[0].path}`;

	it('a download that stalls after 100 bytes is ended after 0.3 s without data and tried again: the row gets the whole file', async () => {
		sim.injectFaults({ kind: 'stall-download', count: 1, afterBytes: 100, stallMs: 30_000 });
		const t0 = Date.now();
		const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(['a stalled lighthouse']) });
		expect(Date.now() - t0).toBeLessThan(10_000);
		const [item] = result.output('Seedream');
		expect(fileRequests().map((r) => [r.status, r.fault ?? null])).toEqual([
			[200, 'stall-download'],
			[200, null],
		]);
		const { bytes: original } = await download(fileUrl());
		expect(sha(await result.binary(item))).toBe(sha(original));
		expect(item.binary!.data).toMatchObject({ mimeType: 'image/jpeg', fileName: `${item.json.jobId}-1.jpg` });
	});

	it('a file that keeps stalling fails the row with the idle message after every try, within seconds', async () => {
		sim.injectFaults({ kind: 'stall-download', count: RETRY_MAX_ATTEMPTS, afterBytes: 100, stallMs: 30_000 });
		const t0 = Date.now();
		const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(['a stalled lighthouse']) });
		expect(Date.now() - t0).toBeLessThan(20_000);
		expect(fileRequests().map((r) => r.fault)).toEqual(Array(RETRY_MAX_ATTEMPTS).fill('stall-download'));
		const url = fileUrl();
		const { bytes: original } = await download(url);
		expect(result.error?.message).toBe(`The image download from ${url} stalled: no data for 0.3 s after 100 of ${original.length} bytes`);
		const [job] = sim.jobs();
		expect(result.error?.description).toBe(
			`The image server stopped sending the file. It was tried again with backoff without success. Job ${job.id} is done: collect its images later with Job → Wait.`,
		);
	});

	it('a download that keeps trickling is ended at the total limit, with what had arrived', async () => {
		// One of 20 slices per second: at the 1.5 s limit exactly two had arrived.
		setDownloadLimits({ idleMs: 5_000, budgetIdleMs: 100, totalMs: 1_500 });
		try {
			sim.injectFaults({ kind: 'slow-download', count: RETRY_MAX_ATTEMPTS, pathPrefix: '/files/', stallMs: 20_000 });
			const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(['a trickling lighthouse']) });
			expect(fileRequests().map((r) => r.fault)).toEqual(Array(RETRY_MAX_ATTEMPTS).fill('slow-download'));
			const url = fileUrl();
			const { bytes: original } = await download(url);
			const slice = Math.ceil(original.length / 20);
			expect(result.error?.message).toBe(`The image download from ${url} took longer than 1.5 s (${2 * slice} of ${original.length} bytes arrived)`);
		} finally {
			setDownloadLimits({ idleMs: 300, budgetIdleMs: 100 });
		}
	});

	it('asks for the bytes as they are, and a gzip answer anyway (compressed Content-Length) is stored decoded, at the first try', async () => {
		const before = storedFiles().length;
		sim.injectFaults({ kind: 'gzip-download', count: 1, pathPrefix: '/files/' });
		const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(['a gzipped lighthouse']) });
		const [item] = result.output('Seedream');
		expect(fileRequests().map((r) => [r.headers['accept-encoding'], r.fault ?? null])).toEqual([['identity', 'gzip-download']]);
		const { bytes: original } = await download(fileUrl());
		expect(sha(await result.binary(item))).toBe(sha(original));
		expect(item.binary!.data.mimeType).toBe('image/jpeg');
		// What the HTML test below counts on: a stored image shows in the store's folder.
		expect(storedFiles().length).toBeGreaterThan(before);
	});

	it('an HTML page served as image/jpeg fails the row with what it is, is not retried and is never stored', async () => {
		const before = storedFiles();
		sim.injectFaults({ kind: 'html-download', count: 1, pathPrefix: '/files/' });
		const result = await runSeedream({ sim, continueOnFail: true, parameters: generateParameters(), items: rows(['a lighthouse behind a login']) });
		const [item] = result.output('Seedream');
		expect(item.json.error).toBe(`The file at ${fileUrl()} is not an image (it starts with "<html><body>"; Content-Type image/jpeg)`);
		expect(item.binary).toBeUndefined();
		expect(fileRequests()).toHaveLength(1);
		expect(storedFiles()).toEqual(before);
	});

	it('a CDN 404 is a failed download naming the URL and the 24 h expiry, never an API key or job ID problem; 403 too', async () => {
		for (const status of [404, 403] as const) {
			sim.reset();
			sim.injectFaults({ kind: status, count: 1, pathPrefix: '/files/' });
			const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(['an expired lighthouse']) });
			const url = fileUrl();
			expect(result.error?.message).toBe(`The image download from ${url} failed (HTTP ${status})`);
			expect(result.error?.description).toBe(
				'Result image URLs expire about 24 hours after the job finished (Job → Get shows expired: true). Run the job again for new images.',
			);
			expect(`${result.error?.message} ${result.error?.description}`).not.toMatch(/API key|job ID|Apiframe/);
			// Not retried: a 404 or 403 of a file does not change by asking again.
			expect(fileRequests()).toHaveLength(1);
		}
	});

	it('a CDN 503 is retried like any other 5xx', async () => {
		sim.injectFaults({ kind: 503, count: 2, pathPrefix: '/files/' });
		const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(['a busy lighthouse']) });
		const [item] = result.output('Seedream');
		expect(fileRequests().map((r) => r.status)).toEqual([503, 503, 200]);
		const { bytes: original } = await download(fileUrl());
		expect(sha(await result.binary(item))).toBe(sha(original));
	});

	it('an image host that drops every connection is a failed download naming the URL, not "Could not reach Apiframe"', async () => {
		sim.injectFaults({ kind: 'reset', count: RETRY_MAX_ATTEMPTS, pathPrefix: '/files/' });
		const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(['an unreachable lighthouse']) });
		expect(fileRequests().map((r) => r.fault)).toEqual(Array(RETRY_MAX_ATTEMPTS).fill('reset'));
		const url = fileUrl();
		expect(result.error?.message).toBe(`The image download from ${url} failed: socket hang up`);
		const [job] = sim.jobs();
		expect(result.error?.description).toBe(`Retried with backoff without success. Check that n8n can reach the image host. Job ${job.id} is done: collect its images later with Job → Wait.`);
	});
});
