import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { header, http } from '../support/http';
import type { Simulator } from './index';
import { body, call, download, generate, runJob, start } from './helpers';

/** Decodes fully (not just the header), so a broken file fails the test. */
function decode(bytes: Buffer): { width: number; height: number; kind: 'png' | 'jpg' } {
	if (bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) {
		const png = PNG.sync.read(bytes);
		return { width: png.width, height: png.height, kind: 'png' };
	}
	const img = jpeg.decode(bytes);
	return { width: img.width, height: img.height, kind: 'jpg' };
}

function pngFile(width: number, height: number): Buffer {
	const png = new PNG({ width, height });
	png.data.fill(200);
	return PNG.sync.write(png, { filterType: 0 });
}

async function upload(sim: Simulator, bytes: Buffer, type = 'image/png', field = 'file', key: string | null = sim.apiKey) {
	const form = new FormData();
	form.append(field, new Blob([new Uint8Array(bytes)], { type }), 'ref.png');
	const headers: Record<string, string> = key ? { 'X-API-Key': key } : {};
	// axios streams a FormData body (multipart, with its length) rather than building it in memory.
	const r = await http.post(`${sim.url}/v2/uploads`, form, { headers });
	return { status: r.status, json: r.data };
}

let sim: Simulator;
beforeAll(async () => {
	sim = await start();
});
afterAll(() => sim.close());

describe('pixel sizes follow size / aspect_ratio / width / height (scaled by 1/32)', () => {
	const cases: Array<[Record<string, unknown> | undefined, number, number]> = [
		[undefined, 2048, 2048],
		[{ aspect_ratio: '1:1' }, 2048, 2048],
		[{ size: '2K', aspect_ratio: '4:3' }, 2304, 1728],
		[{ size: '2K', aspect_ratio: '3:4' }, 1728, 2304],
		[{ size: '2K', aspect_ratio: '16:9' }, 2560, 1440],
		[{ size: '2K', aspect_ratio: '9:16', output_format: 'png' }, 1440, 2560],
		[{ size: '4K' }, 4096, 4096],
		[{ size: '4K', aspect_ratio: '4:3', output_format: 'png' }, 4096, 3072],
		[{ size: '4K', aspect_ratio: '3:4' }, 3072, 4096],
		[{ size: '4K', aspect_ratio: '16:9' }, 4096, 2304],
		[{ size: '4K', aspect_ratio: '9:16' }, 2304, 4096],
		[{ size: 'custom', width: 1024, height: 4096 }, 1024, 4096],
		[{ size: 'custom', width: 3200, height: 1600, output_format: 'png' }, 3200, 1600],
		[{ aspect_ratio: '16:9', image_input: ['https://example.com/x.png'] }, 2560, 1440],
	];
	test.each(cases)('%j → %i×%i', async (params, w, h) => {
		const job = await runJob(sim, body('sizes', params));
		expect(job.status).toBe('COMPLETED');
		const format = (params?.output_format as string) ?? 'jpg';
		expect(job.result.images[0]).toMatch(new RegExp(`/files/${job.id}-1\\.${format}$`));
		const f = await download(job.result.images[0]);
		expect(f.status).toBe(200);
		expect(f.type).toBe(format === 'png' ? 'image/png' : 'image/jpeg');
		expect(Number(f.length)).toBe(f.bytes.length);
		expect(decode(f.bytes)).toEqual({ width: w / 32, height: h / 32, kind: format });
	});

	test('full scale: 2K 16:9 is really 2560×1440', async () => {
		const big = await start({ imageScale: 1 });
		try {
			const job = await runJob(big, body('big', { aspect_ratio: '16:9', output_format: 'png' }));
			const f = await download(job.result.images[0]);
			expect(decode(f.bytes)).toEqual({ width: 2560, height: 1440, kind: 'png' });
		} finally {
			await big.close();
		}
	});
});

describe('deterministic content', () => {
	const params = { seed: 1234, size: '2K', aspect_ratio: '4:3', guidance_scale: 4 };

	test('same prompt + seed + params → identical bytes; another seed → other bytes', async () => {
		const a = await runJob(sim, body('a lighthouse', params));
		const b = await runJob(sim, body('a lighthouse', params));
		const c = await runJob(sim, body('a lighthouse', { ...params, seed: 1235 }));
		const d = await runJob(sim, body('a lighthouse', { ...params, guidance_scale: 4.5 }));
		const [fa, fb, fc, fd] = await Promise.all([a, b, c, d].map((j) => download(j.result.images[0])));
		expect(a.id).not.toBe(b.id);
		expect(fa.bytes.equals(fb.bytes)).toBe(true);
		expect(fa.bytes.equals(fc.bytes)).toBe(false);
		expect(fa.bytes.equals(fd.bytes)).toBe(false);
	});

	test('without a seed two jobs give different images', async () => {
		const a = await runJob(sim, body('no seed'));
		const b = await runJob(sim, body('no seed'));
		const [fa, fb] = await Promise.all([a, b].map((j) => download(j.result.images[0])));
		expect(fa.bytes.equals(fb.bytes)).toBe(false);
	});

	test('the same seed in another simulator gives the same bytes', async () => {
		const other = await start();
		try {
			const a = await runJob(sim, body('portable', { seed: 99, output_format: 'png' }));
			const b = await runJob(other, body('portable', { seed: 99, output_format: 'png' }));
			const [fa, fb] = await Promise.all([a, b].map((j) => download(j.result.images[0])));
			expect(fa.bytes.equals(fb.bytes)).toBe(true);
		} finally {
			await other.close();
		}
	});
});

describe('files', () => {
	test('need no API key; unknown or wrong-extension files 404', async () => {
		const job = await runJob(sim, body());
		const url: string = job.result.images[0];
		expect((await download(url)).status).toBe(200);
		const head = await http.head<Buffer>(url, { responseType: 'arraybuffer' });
		expect(head.status).toBe(200);
		expect(Number(header(head, 'content-length'))).toBeGreaterThan(0);
		expect(head.data.length).toBe(0);
		expect((await download(url.replace(/\.jpg$/, '.png'))).status).toBe(404);
		expect((await download(url.replace(/-1\.jpg$/, '-2.jpg'))).status).toBe(404);
		expect((await download(`${sim.url}/files/00000000-0000-4000-8000-000000000000-1.jpg`)).status).toBe(404);
	});

	test('a job still running has no file yet', async () => {
		const r = await generate(sim, body('[[slow]] pending'));
		expect((await download(`${sim.url}/files/${r.json.jobId}-1.jpg`)).status).toBe(404);
	});
});

describe('POST /v2/uploads', () => {
	test('201 with id, url, kind, contentType, byteSize, expiresAt; the URL serves the same bytes', async () => {
		const bytes = pngFile(320, 240);
		const r = await upload(sim, bytes);
		expect(r.status).toBe(201);
		expect(r.json).toEqual({
			id: expect.any(String),
			url: `${sim.url}/uploads/${r.json.id}.png`,
			kind: 'image',
			contentType: 'image/png',
			byteSize: bytes.length,
			expiresAt: expect.any(String),
		});
		expect(Date.parse(r.json.expiresAt)).toBeGreaterThan(Date.now());
		const f = await download(r.json.url);
		expect(f.status).toBe(200);
		expect(f.type).toBe('image/png');
		expect(Number(f.length)).toBe(bytes.length);
		expect(f.bytes.equals(bytes)).toBe(true);
	});

	test('match_input_image takes the size of the uploaded reference', async () => {
		const up = await upload(sim, pngFile(320, 240));
		const job = await runJob(sim, body('match', { image_input: [up.json.url], aspect_ratio: 'match_input_image' }));
		const f = await download(job.result.images[0]);
		expect(decode(f.bytes)).toEqual({ width: 10, height: 8, kind: 'jpg' });
	});

	test('match_input_image with a foreign reference falls back to 1:1', async () => {
		const job = await runJob(sim, body('match', { image_input: 'https://example.com/a.png', aspect_ratio: 'match_input_image' }));
		expect(decode((await download(job.result.images[0])).bytes)).toEqual({ width: 64, height: 64, kind: 'jpg' });
	});

	test('missing file field, a non-image, JSON instead of multipart → 400; no key → 401', async () => {
		expect((await upload(sim, pngFile(4, 4), 'image/png', 'image')).status).toBe(400);
		const notImage = await upload(sim, Buffer.from('hello, not an image'), 'image/png');
		expect(notImage.status).toBe(400);
		expect(Object.keys(notImage.json.details)).toEqual(['file']);
		expect((await call(sim, 'POST', '/v2/uploads', { body: { file: 'x' } })).status).toBe(400);
		expect((await upload(sim, pngFile(4, 4), 'image/png', 'file', null)).status).toBe(401);
	});

	test('a file over 25 MB → 413', async () => {
		const big = Buffer.concat([pngFile(4, 4), Buffer.alloc(25 * 1024 * 1024)]);
		expect((await upload(sim, big)).status).toBe(413);
	});
});
