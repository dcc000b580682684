import { download } from '../../support/http';
import { imageSize } from '../../support/imageSize';
import { generateParameters, rows, runSeedream, submitsOf, TEST_IMAGE_SCALE, useSimulator } from '../../support/seedream';

const px = (n: number) => Math.max(1, Math.round(n * TEST_IMAGE_SCALE));
const prompts = (n: number) => Array.from({ length: n }, (_, i) => `a lighthouse at dusk, variation ${i + 1}`);

describe('Image → Generate through n8n', () => {
	const sim = useSimulator({ maxConcurrentJobs: 10 });

	it('turns 20 spreadsheet rows into 20 JPEG files of the right pixel size, one job each', async () => {
		const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(prompts(20)) });
		const items = result.output('Seedream');
		expect(items).toHaveLength(20);
		for (const [index, item] of items.entries()) {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({ status: 'COMPLETED', model: 'seedream-4.5', creditCost: 4, prompt: prompts(20)[index] });
			const binary = item.binary!.data;
			expect(binary.mimeType).toBe('image/jpeg');
			expect(binary.fileName).toBe(`${item.json.jobId}-1.jpg`);
			const file = await result.binary(item);
			expect(imageSize(file)).toEqual({ format: 'jpg', width: px(2048), height: px(2048) });
		}
		expect(new Set(items.map((i) => i.json.jobId)).size).toBe(20);
		expect(sim.jobs()).toHaveLength(20);
		expect(sim.requests().filter((r) => r.path === '/v2/me').length).toBeLessThanOrEqual(1); // once per account, not per row
		// One key per row, each with its item index (the exact format is pinned in batch.engine.test.ts).
		const keys = submitsOf(sim).map((r) => String(r.headers['idempotency-key']));
		expect(keys.map((key) => key.replace(/-i\d+$/, '')).every((prefix) => prefix === keys[0].replace(/-i\d+$/, ''))).toBe(true);
		expect(keys.map((key) => Number(/-i(\d+)$/.exec(key)![1])).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
		expect(keys[0]).toMatch(new RegExp(`-${result.executionId}-seedream-node-1-r0-i\\d+$`));
	});

	it('sends each chosen parameter and gets a 4K 16:9 PNG back', async () => {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({
				aspectRatio: '16:9',
				size: '4K',
				options: { outputFormat: 'png', guidanceScale: 4.5, seed: 42, enhancePrompt: true, usePreLlm: false },
			}),
			items: rows(['a red fox in fresh snow']),
		});
		const [item] = result.output('Seedream');
		expect(submitsOf(sim)[0].body).toEqual({
			model: 'seedream-4.5',
			prompt: 'a red fox in fresh snow',
			seedreamParams: { aspect_ratio: '16:9', size: '4K', output_format: 'png', guidance_scale: 4.5, seed: 42, enhance_prompt: true, use_pre_llm: false },
		});
		expect(item.binary!.data.mimeType).toBe('image/png');
		expect(item.binary!.data.fileName).toMatch(/-1\.png$/);
		expect(imageSize(await result.binary(item))).toEqual({ format: 'png', width: px(4096), height: px(2304) });
		expect(item.json.seedreamParams).toMatchObject({ guidance_scale: 4.5, seed: 42 });
	});

	it('with a custom size sends width and height, and the image has them', async () => {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ size: 'custom', width: 3200, height: 1600 }),
			items: rows(['a panorama']),
		});
		expect(imageSize(await result.binary(result.output('Seedream')[0]))).toMatchObject({ width: px(3200), height: px(1600) });
	});

	it('a row with guidance 11 and a row the provider refuses fail on their own; the other 18 rows still produce images', async () => {
		const items = rows(prompts(20), (i) => ({ guidance: i === 4 ? 11 : 3 }));
		items[9].json.prompt = 'a forbidden scene [[fail]]';
		const result = await runSeedream({
			sim,
			continueOnFail: true,
			parameters: generateParameters({ options: { guidanceScale: '={{ $json.guidance }}' } }),
			items,
		});
		const output = result.output('Seedream');
		expect(output).toHaveLength(20);
		expect(output.map((i) => i.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		const withImages = output.filter((i) => i.binary?.data);
		expect(withImages).toHaveLength(18);

		const invalid = output[4].json;
		expect(invalid.error).toBe('Invalid parameter: Guidance Scale must be a number from 1 to 10 in steps of 0.5 (got 11)');
		expect(String((invalid.details as { description: string }).description)).toMatch(/nothing was charged/);

		const refused = output[9].json;
		const failedJob = sim.jobs().find((j) => j.status === 'FAILED')!;
		expect(refused.error).toMatch(new RegExp(`Seedream job ${failedJob.id} failed: Content policy`));
		expect(refused.details).toMatchObject({ jobId: failedJob.id });
		expect(failedJob.refunded).toBe(true);

		// The invalid row never reached the API: 19 submits, 19 jobs.
		expect(submitsOf(sim)).toHaveLength(19);
		expect(sim.jobs()).toHaveLength(19);
	});

	it('accepts numbers and booleans typed as text in a spreadsheet', async () => {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ options: { guidanceScale: '={{ $json.guidance }}', seed: '={{ $json.seed }}' } }),
			items: rows(['a kite'], () => ({ guidance: '4.5', seed: '42' })),
		});
		expect(result.output('Seedream')[0].binary!.data).toBeDefined();
		expect(submitsOf(sim)[0].body).toMatchObject({ seedreamParams: { guidance_scale: 4.5, seed: 42 } });
	});

	it("n8n's Retry On Fail gets the original job back: one job, one bill", async () => {
		sim.injectFaults({ kind: 500, count: 8, pathPrefix: '/files/' });
		const result = await runSeedream({
			sim,
			nodeSettings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
			parameters: generateParameters(),
			items: rows(['a paper boat']),
		});
		expect(result.output('Seedream')[0].binary!.data).toBeDefined();
		expect(submitsOf(sim)).toHaveLength(2);
		expect(sim.jobs()).toHaveLength(1);
		expect(sim.credits(sim.apiKey)).toBe(100000 - 4);
	});

	it('without continue-on-fail, a bad row stops the node with the field named', async () => {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ size: 'custom', width: 800, height: 2048 }),
			items: rows(['a small picture']),
		});
		expect(result.error?.message).toMatch(/Width must be a whole number of pixels from 1024 to 4096 when Size is Custom \(got 800\)/);
		expect(submitsOf(sim)).toHaveLength(0);
	});

	it('survives a storm of 429s, 503s and dropped connections with exactly one job per row', async () => {
		sim.injectFaults({ kind: 429, count: 15, pathPrefix: '/v2/images/generate', retryAfterSeconds: 1 });
		sim.injectFaults({ kind: 'reset', count: 4, pathPrefix: '/v2/images/generate' });
		sim.injectFaults({ kind: 503, count: 15, pathPrefix: '/v2/jobs' });
		sim.injectFaults({ kind: 500, count: 5, pathPrefix: '/files/' });
		sim.injectFaults({ kind: 'truncate-download', count: 3, pathPrefix: '/files/' });
		const result = await runSeedream({ sim, parameters: generateParameters(), items: rows(prompts(20)) });
		const items = result.output('Seedream');
		expect(items).toHaveLength(20);
		for (const item of items) {
			// Every file is whole, despite the truncated downloads: byte for byte the CDN's file.
			const { bytes: original } = await download(String((item.json.imageUrls as string[])[0]));
			expect((await result.binary(item)).equals(original)).toBe(true);
		}
		expect(sim.jobs()).toHaveLength(20);
		const faults = sim.requests().filter((r) => r.fault);
		expect(faults.length).toBe(42);
		expect(sim.credits(sim.apiKey)).toBe(100000 - 20 * 4);
	});

	it('a re-run of the same execution gets the original jobs back and bills nothing more', async () => {
		const executionId = 'exec-rerun-1';
		const first = await runSeedream({ sim, executionId, parameters: generateParameters(), items: rows(prompts(5)) });
		const creditsAfterFirst = sim.credits(sim.apiKey);
		const second = await runSeedream({ sim, executionId, parameters: generateParameters(), items: rows(prompts(5)) });
		expect(second.output('Seedream').map((i) => i.json.jobId)).toEqual(first.output('Seedream').map((i) => i.json.jobId));
		// The re-run hands over the same files, not just the same job IDs.
		for (const [index, item] of second.output('Seedream').entries()) {
			expect((await second.binary(item)).equals(await first.binary(first.output('Seedream')[index]))).toBe(true);
		}
		expect(sim.jobs()).toHaveLength(5);
		expect(submitsOf(sim)).toHaveLength(10);
		expect(sim.credits(sim.apiKey)).toBe(creditsAfterFirst);
	});

	it('a custom Idempotency Key makes a rerun in a new execution idempotent, and refuses other parameters', async () => {
		const parameters = generateParameters({ options: { idempotencyKey: '=sheet-row-{{ $json.row }}' } });
		const first = await runSeedream({ sim, executionId: 'exec-a', parameters, items: rows(['a windmill']) });
		const second = await runSeedream({ sim, executionId: 'exec-b', parameters, items: rows(['a windmill']) });
		expect(second.output('Seedream')[0].json.jobId).toBe(first.output('Seedream')[0].json.jobId);
		expect(submitsOf(sim).map((r) => r.headers['idempotency-key'])).toEqual(['sheet-row-1', 'sheet-row-1']);
		expect(sim.jobs()).toHaveLength(1);
		const changed = await runSeedream({ sim, executionId: 'exec-c', parameters, items: rows(['a different windmill']) });
		expect(changed.error?.message).toBe('This Idempotency-Key was already used with different parameters');
		expect(sim.jobs()).toHaveLength(1);
	});

	it('without waiting returns the jobId at once and passes the webhook on', async () => {
		const result = await runSeedream({
			sim,
			parameters: generateParameters({
				waitForCompletion: false,
				options: { webhookUrl: 'https://n8n.example.com/webhook/abc/seedream', webhookEvents: ['completed'] },
			}),
			items: rows(['a quick sketch']),
		});
		const [item] = result.output('Seedream');
		expect(item.json).toMatchObject({ status: 'QUEUED', prompt: 'a quick sketch', webhookUrl: 'https://n8n.example.com/webhook/abc/seedream' });
		expect(item.binary).toBeUndefined();
		expect(submitsOf(sim)[0].body).toMatchObject({ webhookUrl: 'https://n8n.example.com/webhook/abc/seedream', webhookEvents: ['completed'] });
		expect(sim.jobs()[0].id).toBe(item.json.jobId);
	});

	it('can return URLs only, or one item per image under another binary name', async () => {
		const urlsOnly = await runSeedream({ sim, parameters: generateParameters({ outputOptions: { download: false } }), items: rows(['a cat']) });
		const [plain] = urlsOnly.output('Seedream');
		expect(plain.binary).toBeUndefined();
		expect(plain.json.imageUrls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+-1\.jpg$/)]);
		const perImage = await runSeedream({
			sim,
			parameters: generateParameters({ outputOptions: { itemsPer: 'image', binaryPropertyName: 'image' } }),
			items: rows(['a dog']),
		});
		const [image] = perImage.output('Seedream');
		expect(image.json).toMatchObject({ imageIndex: 1, imageUrl: expect.any(String) });
		expect(image.binary!.image.mimeType).toBe('image/jpeg');
	});

	it('shows the credits needed and available when the account runs out, and says the key is wrong', async () => {
		sim.setKey({ key: 'afk_poor_000000000000000000000000000000000000', credits: 2 });
		const poor = await runSeedream({ sim, apiKey: 'afk_poor_000000000000000000000000000000000000', parameters: generateParameters(), items: rows(['a castle']) });
		expect(poor.error?.message).toBe('Not enough Apiframe credits: this image needs 4, the account has 2');
		const wrongKey = 'afk_wrong_00000000000000000000000000000000000';
		const wrong = await runSeedream({ sim, apiKey: wrongKey, parameters: generateParameters(), items: rows(['a castle']) });
		expect(wrong.error?.message).toMatch(/did not accept the API key \(Invalid API key\)/);
		expect(JSON.stringify(wrong.runData)).not.toContain(wrongKey);
		expect(submitsOf(sim).filter((r) => r.status === 402 || r.status === 401)).toHaveLength(2);
	});
});
