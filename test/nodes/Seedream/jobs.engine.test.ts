import { testCredential } from '../../harness';
import { imageSize } from '../../support/imageSize';
import { credentialType, generateParameters, rows, runSeedream, submitsOf, useSimulator } from '../../support/seedream';

describe('Job, Account and the credential through n8n', () => {
	const sim = useSimulator();

	async function submitWithoutWaiting(prompts: string[]) {
		const submitted = await runSeedream({ sim, parameters: generateParameters({ waitForCompletion: false }), items: rows(prompts) });
		return submitted.output('Seedream').map((item) => String(item.json.jobId));
	}

	it('Job → Wait collects a job submitted earlier, with the same output as Generate', async () => {
		const [jobId] = await submitWithoutWaiting(['a harbour at night']);
		const result = await runSeedream({ sim, parameters: { resource: 'job', operation: 'wait', jobId: '={{ $json.jobId }}' }, items: [{ json: { jobId } }] });
		const [item] = result.output('Seedream');
		expect(item.json).toMatchObject({ jobId, status: 'COMPLETED', imageUrls: [expect.any(String)] });
		expect(item.binary!.data.fileName).toBe(`${jobId}-1.jpg`);
		expect(imageSize(await result.binary(item)).format).toBe('jpg');
	});

	it('Job → Get reports the job as it is, and downloads only when asked', async () => {
		const [jobId] = await submitWithoutWaiting(['a mountain lake']);
		const early = await runSeedream({ sim, parameters: { resource: 'job', operation: 'get', jobId } });
		expect(['QUEUED', 'PROCESSING']).toContain(early.output('Seedream')[0].json.status);
		await runSeedream({ sim, parameters: { resource: 'job', operation: 'wait', jobId, outputOptions: { download: false } } });
		const done = await runSeedream({ sim, parameters: { resource: 'job', operation: 'get', jobId, outputOptions: { download: true } } });
		const [item] = done.output('Seedream');
		expect(item.json.status).toBe('COMPLETED');
		expect(item.binary!.data.mimeType).toBe('image/jpeg');
	});

	it('Job → Get of an unknown job says so', async () => {
		const result = await runSeedream({ sim, parameters: { resource: 'job', operation: 'get', jobId: '00000000-0000-4000-8000-000000000000' } });
		expect(result.error?.message).toBe('Apiframe has no such job (job 00000000-0000-4000-8000-000000000000)');
	});

	it('a wait that times out loses nothing: the error names the job and how to collect it', async () => {
		const result = await runSeedream({
			sim,
			continueOnFail: true,
			parameters: generateParameters({ outputOptions: { timeoutMinutes: 0.1 } }),
			items: rows(['a very slow painting [[slow]]']),
		});
		const [item] = result.output('Seedream');
		const jobId = sim.jobs()[0].id;
		expect(item.json.error).toMatch(new RegExp(`Job ${jobId} was still (QUEUED|PROCESSING) after \\d+ s: stopped waiting`));
		expect(String((item.json.details as { description: string }).description)).toContain(`Job → Wait (Job ID ${jobId})`);
		const collected = await runSeedream({ sim, parameters: { resource: 'job', operation: 'wait', jobId } });
		expect(collected.output('Seedream')[0].json.status).toBe('COMPLETED');
		expect(sim.jobs()).toHaveLength(1);
	});

	it('Job → Get Many lists jobs with filters and follows the cursor when returning all', async () => {
		await submitWithoutWaiting(Array.from({ length: 105 }, (_, i) => `tile ${i}`));
		const limited = await runSeedream({ sim, parameters: { resource: 'job', operation: 'getAll', limit: 3 } });
		expect(sim.requests().find((r) => r.path === '/v2/jobs')!.query.limit).toBe('3');
		expect(limited.output('Seedream')).toHaveLength(3);
		const all = await runSeedream({ sim, parameters: { resource: 'job', operation: 'getAll', returnAll: true, filters: { model: 'seedream-4.5' } } });
		expect(all.output('Seedream')).toHaveLength(105);
		expect(all.output('Seedream')[0].json).toMatchObject({ id: expect.any(String), model: 'seedream-4.5' });
		const pages = sim.requests().filter((r) => r.path === '/v2/jobs').slice(1);
		expect(pages).toHaveLength(2);
		expect(pages[0].query).toEqual({ limit: '100', model: 'seedream-4.5' });
		expect(pages.every((page) => page.query.model === 'seedream-4.5')).toBe(true);
		expect(pages.slice(1).every((page) => page.query.cursor)).toBe(true);
	});

	it('Account → Get shows credits and plan', async () => {
		const result = await runSeedream({ sim, parameters: { resource: 'account', operation: 'get' } });
		const [item] = result.output('Seedream');
		expect(item.json).toMatchObject({ team: { credits: 100000 } });
		expect(JSON.stringify(item.json)).not.toContain(sim.apiKey);
	});

	it('uses a binary file of the input item as a reference image, uploaded first', async () => {
		const png = Buffer.from(
			'89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
			'hex',
		);
		const result = await runSeedream({
			sim,
			parameters: generateParameters({ referenceImageBinary: 'photo', referenceImageUrls: 'https://example.com/style.jpg', aspectRatio: 'match_input_image' }),
			items: [{ json: { prompt: 'the same scene in watercolour' }, binary: { photo: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'photo.png' } } }],
		});
		expect(result.output('Seedream')[0].binary!.data).toBeDefined();
		const upload = sim.requests().find((r) => r.path === '/v2/uploads')!;
		expect(upload.status).toBe(201);
		const sent = submitsOf(sim)[0].body as { seedreamParams: { image_input: string[] } };
		expect(sent.seedreamParams.image_input).toEqual(['https://example.com/style.jpg', expect.stringMatching(/\/uploads\//)]);
	});

	it('a missing binary property fails that item before anything is sent', async () => {
		const result = await runSeedream({ sim, continueOnFail: true, parameters: generateParameters({ referenceImageBinary: 'photo' }), items: rows(['x']) });
		expect(result.output('Seedream')[0].json.error).toMatch(/Reference Image \(Binary Property\) must name a binary property of the input item \(it has: none\)/);
		expect(sim.requests().filter((r) => r.method === 'POST')).toHaveLength(0);
	});

	it('the credential test passes with a good key and fails clearly with a bad one', async () => {
		expect(await testCredential(credentialType, { apiKey: sim.apiKey, baseUrl: sim.url })).toMatchObject({ status: 'OK' });
		const bad = await testCredential(credentialType, { apiKey: 'afk_nope', baseUrl: `${sim.url}/` });
		expect(bad.status).toBe('Error');
		expect(bad.message).not.toContain('afk_nope');
		// n8n itself sends a request answered 401 once more after refreshing the credential.
		const [good, ...rejected] = sim.requests().filter((r) => r.path === '/v2/me').map((r) => r.status);
		expect(good).toBe(200);
		expect(rejected.length).toBeGreaterThan(0);
		expect(rejected.every((status) => status === 401)).toBe(true);
	});
});
