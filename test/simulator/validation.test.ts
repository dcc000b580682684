import type { Simulator } from './index';
import { body, call, generate, start } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await start();
});
afterAll(() => sim.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://example.com/ref-${i}.png`);

describe('accepted bodies', () => {
	const good: Array<[string, unknown]> = [
		['minimal', body()],
		['every field', body('x', {
			image_input: urls(14),
			output_format: 'png',
			guidance_scale: 7.5,
			use_pre_llm: true,
			enhance_prompt: false,
			seed: 0,
			aspect_ratio: 'match_input_image',
			size: '4K',
		}, { webhookUrl: 'https://example.com/hook', webhookEvents: ['progress', 'completed', 'failed'] })],
		['a lone string image_input', body('x', { image_input: 'https://example.com/a.png' })],
		['custom size at the bounds', body('x', { size: 'custom', width: 1024, height: 4096 })],
		['guidance at 1 and seed at 2^32-1', body('x', { guidance_scale: 1, seed: 4294967295 })],
		['guidance at 10', body('x', { guidance_scale: 10 })],
		['a prompt of 2000 characters', body('p'.repeat(2000))],
	];
	test.each(good)('%s → 202 {jobId, status: QUEUED}', async (_name, b) => {
		const r = await generate(sim, b);
		expect(r.status).toBe(202);
		expect(Object.keys(r.json).sort()).toEqual(['jobId', 'status']);
		expect(r.json.jobId).toMatch(UUID);
		expect(r.json.status).toBe('QUEUED');
	});
});

describe('rejected bodies name every bad path', () => {
	const p = (params: Record<string, unknown>) => body('x', params);
	const bad: Array<[string, unknown, string[]]> = [
		['empty object', {}, ['model', 'prompt']],
		['unknown top-level key (v1 webhook_url)', body('x', undefined, { webhook_url: 'https://e.com' }), ['webhook_url']],
		['another known model', { model: 'flux-2-pro', prompt: 'x' }, ['model']],
		['an unknown model', { model: 'dall-e', prompt: 'x' }, ['model']],
		['model not a string', { model: 45, prompt: 'x' }, ['model']],
		['empty prompt', body(''), ['prompt']],
		['blank prompt', body('   '), ['prompt']],
		['prompt of 2001 characters', body('p'.repeat(2001)), ['prompt']],
		['prompt not a string', { model: 'seedream-4.5', prompt: ['x'] }, ['prompt']],
		['seedreamParams not an object', body('x', undefined, { seedreamParams: 'big' }), ['seedreamParams']],
		['unknown param', p({ steps: 30 }), ['seedreamParams.steps']],
		['guidance 10.25', p({ guidance_scale: 10.25 }), ['seedreamParams.guidance_scale']],
		['guidance 0.5', p({ guidance_scale: 0.5 }), ['seedreamParams.guidance_scale']],
		['guidance 10.5', p({ guidance_scale: 10.5 }), ['seedreamParams.guidance_scale']],
		['guidance 3.3', p({ guidance_scale: 3.3 }), ['seedreamParams.guidance_scale']],
		['guidance as a string', p({ guidance_scale: '3' }), ['seedreamParams.guidance_scale']],
		['15 references', p({ image_input: urls(15) }), ['seedreamParams.image_input']],
		['no references', p({ image_input: [] }), ['seedreamParams.image_input']],
		['a non-http reference', p({ image_input: ['ftp://e.com/a.png'] }), ['seedreamParams.image_input.0']],
		['second reference not a URL', p({ image_input: ['https://e.com/a.png', 'a.png'] }), ['seedreamParams.image_input.1']],
		['image_input an object', p({ image_input: { url: 'https://e.com/a.png' } }), ['seedreamParams.image_input']],
		['output_format webp', p({ output_format: 'webp' }), ['seedreamParams.output_format']],
		['use_pre_llm "yes"', p({ use_pre_llm: 'yes' }), ['seedreamParams.use_pre_llm']],
		['enhance_prompt 1', p({ enhance_prompt: 1 }), ['seedreamParams.enhance_prompt']],
		['seed 1.5', p({ seed: 1.5 }), ['seedreamParams.seed']],
		['seed -1', p({ seed: -1 }), ['seedreamParams.seed']],
		['seed 2^32', p({ seed: 4294967296 }), ['seedreamParams.seed']],
		['aspect 2:1', p({ aspect_ratio: '2:1' }), ['seedreamParams.aspect_ratio']],
		['match_input_image without references', p({ aspect_ratio: 'match_input_image' }), ['seedreamParams.aspect_ratio']],
		['size 1K', p({ size: '1K' }), ['seedreamParams.size']],
		['width without size custom', p({ width: 2048 }), ['seedreamParams.width']],
		['width and height with size 2K', p({ size: '2K', width: 2048, height: 2048 }), ['seedreamParams.width', 'seedreamParams.height']],
		['custom without width and height', p({ size: 'custom' }), ['seedreamParams.width', 'seedreamParams.height']],
		['custom width 1023', p({ size: 'custom', width: 1023, height: 2048 }), ['seedreamParams.width']],
		['custom height 4097', p({ size: 'custom', width: 2048, height: 4097 }), ['seedreamParams.height']],
		['custom width not an integer', p({ size: 'custom', width: 2048.5, height: 2048 }), ['seedreamParams.width']],
		['webhookUrl not a URL', body('x', undefined, { webhookUrl: 'example.com/hook' }), ['webhookUrl']],
		['webhookUrl ftp', body('x', undefined, { webhookUrl: 'ftp://example.com/hook' }), ['webhookUrl']],
		['webhookEvents empty', body('x', undefined, { webhookEvents: [] }), ['webhookEvents']],
		['webhookEvents unknown event', body('x', undefined, { webhookEvents: ['completed', 'done'] }), ['webhookEvents.1']],
		['webhookEvents a string', body('x', undefined, { webhookEvents: 'completed' }), ['webhookEvents']],
		['a JSON array', [body()], ['body']],
	];
	test.each(bad)('%s → 400', async (_name, b, paths) => {
		const before = sim.jobs().length;
		const credits = sim.credits(sim.apiKey);
		const r = await generate(sim, b);
		expect(r.status).toBe(400);
		expect(r.json.error).toBe('Validation failed');
		expect(Object.keys(r.json.details).sort()).toEqual([...paths].sort());
		for (const path of paths) {
			expect(Array.isArray(r.json.details[path])).toBe(true);
			expect(r.json.details[path][0]).toEqual(expect.any(String));
		}
		// A rejected request is never a paid one.
		expect(sim.jobs().length).toBe(before);
		expect(sim.credits(sim.apiKey)).toBe(credits);
	});

	test('guidance message says the range and the step', async () => {
		const r = await generate(sim, p({ guidance_scale: 10.25 }));
		expect(r.json.details['seedreamParams.guidance_scale']).toEqual(['must be between 1 and 10 in steps of 0.5']);
	});

	test('every bad path is listed at once', async () => {
		const r = await generate(sim, {
			model: 'seedream-4.5',
			prompt: '',
			colour: 'red',
			seedreamParams: { guidance_scale: 11, seed: 'x', size: 'custom', width: 100, steps: 3, image_input: ['nope'] },
			webhookEvents: ['completed', 'nope'],
		});
		expect(r.status).toBe(400);
		expect(Object.keys(r.json.details).sort()).toEqual(
			[
				'colour',
				'prompt',
				'seedreamParams.guidance_scale',
				'seedreamParams.seed',
				'seedreamParams.width',
				'seedreamParams.height',
				'seedreamParams.steps',
				'seedreamParams.image_input.0',
				'webhookEvents.1',
			].sort(),
		);
	});

	test('the other model message says "not supported"', async () => {
		const r = await generate(sim, { model: 'midjourney', prompt: 'x' });
		expect(r.json.details.model[0]).toMatch(/not supported/);
	});
});

describe('malformed requests', () => {
	test('malformed JSON → 400 without details', async () => {
		const r = await call(sim, 'POST', '/v2/images/generate', { raw: '{"model": "seedream-4.5",', headers: { 'Content-Type': 'application/json' } });
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ error: 'Invalid JSON body' });
	});

	test('an empty body → 400', async () => {
		const r = await call(sim, 'POST', '/v2/images/generate', { headers: { 'Content-Type': 'application/json' } });
		expect(r.status).toBe(400);
	});

	test('wrong method → 405, unknown path → 404', async () => {
		expect((await call(sim, 'GET', '/v2/images/generate')).status).toBe(405);
		expect((await call(sim, 'GET', '/v2/nothing')).status).toBe(404);
	});

	test('every response carries an x-request-id', async () => {
		const r = await generate(sim, {});
		expect(r.headers.get('x-request-id')).toMatch(UUID);
	});
});
