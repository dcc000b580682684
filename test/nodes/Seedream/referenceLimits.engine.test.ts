import type { IBinaryData } from 'n8n-workflow';

import { ensureEnvironment } from '../../harness/environment';
import { renderImage } from '../../simulator/images';
import { generateParameters, runSeedream, useSimulator } from '../../support/seedream';

/** Apiframe's upload limit, as the node states it (UPLOAD_MAX_BYTES: 25 MiB). */
const UPLOAD_LIMIT = 25 * 1024 * 1024;
const TOO_BIG = `Invalid parameter: Reference Image (Binary Property) must be an image of at most 25 MB (Apiframe's upload limit) (got "poster")`;

describe('a binary reference over the upload limit is refused by its size, unread', () => {
	const sim = useSimulator({ maxConcurrentJobs: 10 });
	let env: Awaited<ReturnType<typeof ensureEnvironment>>;
	let poster: IBinaryData;
	let atLimit: IBinaryData;
	let small: IBinaryData;
	let reads: jest.SpyInstance;
	let streams: jest.SpyInstance;

	beforeAll(async () => {
		env = await ensureEnvironment();
		// Stored the way n8n stores files (filesystem mode), so every read goes through BinaryDataService.
		const location = { type: 'execution' as const, workflowId: 'harness-workflow', executionId: 'fixtures' };
		const oneByteTooMany = Buffer.alloc(UPLOAD_LIMIT + 1);
		renderImage(Buffer.alloc(32, 1), 8, 8, 'png').copy(oneByteTooMany);
		poster = await env.binaryDataService.store(location, oneByteTooMany, { data: '', mimeType: 'image/png', fileName: 'poster.png' });
		const exactly = Buffer.alloc(UPLOAD_LIMIT);
		renderImage(Buffer.alloc(32, 3), 8, 8, 'png').copy(exactly);
		atLimit = await env.binaryDataService.store(location, exactly, { data: '', mimeType: 'image/png', fileName: 'limit.png' });
		small = await env.binaryDataService.store(location, renderImage(Buffer.alloc(32, 2), 8, 8, 'png'), { data: '', mimeType: 'image/png', fileName: 'small.png' });
	});

	beforeEach(() => {
		reads = jest.spyOn(env.binaryDataService, 'getAsBuffer');
		streams = jest.spyOn(env.binaryDataService, 'getAsStream');
	});
	afterEach(() => jest.restoreAllMocks());

	const readsOf = (file: IBinaryData) => reads.mock.calls.filter(([data]) => (data as IBinaryData).id === file.id).length;

	it('25 MB + 1 byte: the node fails naming the field, reads none of the file, sends nothing (not even the free upload)', async () => {
		expect(poster.bytes).toBe(UPLOAD_LIMIT + 1);
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ referenceImageBinary: 'poster' }),
			items: [{ json: { prompt: 'the poster, redrawn' }, binary: { poster } }],
		});
		expect(result.error?.message).toBe(TOO_BIG);
		expect(reads).not.toHaveBeenCalled();
		expect(streams).not.toHaveBeenCalled();
		expect(sim.requests()).toEqual([]);
	});

	it('exactly 25 MB is within the limit: it is uploaded whole and the job runs', async () => {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ referenceImageBinary: 'poster', waitForCompletion: false }),
			items: [{ json: { prompt: 'the poster, redrawn' }, binary: { poster: atLimit } }],
		});
		expect(result.error).toBeUndefined();
		const uploads = sim.requests().filter((r) => r.path === '/v2/uploads');
		expect(uploads.map((r) => r.status)).toEqual([201]);
		expect(Number(/^<multipart (\d+) bytes>$/.exec(String(uploads[0].body))?.[1])).toBeGreaterThan(UPLOAD_LIMIT);
		expect(sim.jobs()).toHaveLength(1);
	});

	it('an item without the size field: the size comes from the file metadata n8n keeps, still nothing is read', async () => {
		const { bytes: _bytes, ...withoutBytes } = poster;
		const metadata = jest.spyOn(env.binaryDataService, 'getMetadata');
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ referenceImageBinary: 'poster' }),
			items: [{ json: { prompt: 'the poster, redrawn' }, binary: { poster: withoutBytes } }],
		});
		expect(result.error?.message).toBe(TOO_BIG);
		expect(metadata).toHaveBeenCalledWith(poster.id);
		expect(reads).not.toHaveBeenCalled();
		expect(streams).not.toHaveBeenCalled();
		expect(sim.requests()).toEqual([]);
	});

	it('identity by content: the refused row is not read to compute its key, and 0 requests are sent', async () => {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ referenceImageBinary: 'poster', options: { idempotencyScope: 'content' } }),
			items: [{ json: { prompt: 'the poster, redrawn' }, binary: { poster } }],
		});
		expect(result.error?.message).toBe(TOO_BIG);
		expect(reads).not.toHaveBeenCalled();
		expect(streams).not.toHaveBeenCalled();
		expect(sim.requests()).toEqual([]);
	});

	it('identity by content with continue-on-fail: only the good row is read and uploaded; the refused row is its error item', async () => {
		const result = await runSeedream({
			sim,
			continueOnFail: true,
			parameters: generateParameters({ referenceImageBinary: 'poster', options: { idempotencyScope: 'content' } }),
			items: [
				{ json: { prompt: 'the poster, redrawn' }, binary: { poster } },
				{ json: { prompt: 'the sketch, redrawn' }, binary: { poster: small } },
			],
		});
		const output = result.output('Seedream');
		expect(output[0].json.error).toBe(TOO_BIG);
		expect(output[1].json.idempotencyKey).toMatch(/^n8n-c-[0-9a-f]{40}-1$/);
		expect(output[1].binary!.data).toBeDefined();
		expect(readsOf(poster)).toBe(0);
		expect(readsOf(small)).toBeGreaterThan(0);
		expect(streams).not.toHaveBeenCalled();
		expect(sim.requests().filter((r) => r.path === '/v2/uploads')).toHaveLength(1);
		expect(sim.jobs()).toHaveLength(1);
	});
});
