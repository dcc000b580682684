import type { IDataObject } from 'n8n-workflow';

import { describeProblems, splitUrlList, validateGenerateBody } from '../../../nodes/Seedream/actions/validateGenerate';

const body = (seedreamParams: IDataObject, extra: IDataObject = {}): IDataObject => ({
	model: 'seedream-4.5',
	prompt: 'a red fox in the snow',
	seedreamParams,
	...extra,
});

describe('checking a Generate request before it is paid for', () => {
	it('accepts every documented value and normalises spreadsheet text', () => {
		const request = body({ guidance_scale: '4.5', seed: '42', enhance_prompt: 'true', aspect_ratio: '16:9', size: '4K', output_format: 'png' });
		expect(validateGenerateBody(request)).toEqual([]);
		expect(request.seedreamParams).toEqual({ guidance_scale: 4.5, seed: 42, enhance_prompt: true, aspect_ratio: '16:9', size: '4K', output_format: 'png' });
	});

	it('names the field, the value and the allowed range for guidance 11', () => {
		const problems = validateGenerateBody(body({ guidance_scale: 11 }));
		expect(describeProblems(problems)).toBe('Guidance Scale must be a number from 1 to 10 in steps of 0.5 (got 11)');
		expect(validateGenerateBody(body({ guidance_scale: 3.3 }))[0].field).toBe('Guidance Scale');
	});

	it('reports every bad field at once', () => {
		const problems = validateGenerateBody(
			body({ size: 'custom', width: 800, height: 5000, aspect_ratio: '2:1', output_format: 'gif' }, { prompt: '' }),
		);
		expect(problems.map((p) => p.field).sort()).toEqual(['Aspect Ratio', 'Height', 'Output Format', 'Prompt', 'Width']);
	});

	it('drops width and height unless the size is custom, and unset fields entirely', () => {
		const request = body({ size: '2K', width: 3000, height: 3000, seed: '' });
		expect(validateGenerateBody(request)).toEqual([]);
		expect(request.seedreamParams).toEqual({ size: '2K' });
		const bare = body({});
		validateGenerateBody(bare);
		expect(bare).not.toHaveProperty('seedreamParams');
	});

	it('checks reference images: at most 14 web URLs, and match_input_image needs one', () => {
		expect(validateGenerateBody(body({ image_input: Array(15).fill('https://x/y.png') }))[0].allowed).toMatch(/at most 14/);
		expect(validateGenerateBody(body({ image_input: ['file:///etc/passwd'] }))[0].field).toBe('Reference Image URLs');
		expect(validateGenerateBody(body({ aspect_ratio: 'match_input_image' }))[0].allowed).toMatch(/Reference Image/);
		expect(splitUrlList('https://a/1.png, https://a/2.png\nhttps://a/3.png')).toHaveLength(3);
		expect(splitUrlList(['https://a/1.png', 'https://a/2.png'])).toHaveLength(2);
	});

	it('checks the prompt length and the webhook fields', () => {
		expect(validateGenerateBody(body({}, { prompt: 'x'.repeat(2001) }))[0].field).toBe('Prompt');
		expect(validateGenerateBody(body({}, { webhookUrl: 'not-a-url' }))[0].field).toBe('Webhook URL');
		expect(validateGenerateBody(body({}, { webhookUrl: 'https://n8n/webhook/x', webhookEvents: ['done'] }))[0].field).toBe('Webhook Events');
		const noUrl = body({}, { webhookUrl: '', webhookEvents: ['completed'] });
		expect(validateGenerateBody(noUrl)).toEqual([]);
		expect(noUrl).not.toHaveProperty('webhookEvents');
	});
});

describe('each Seedream model is checked by its own rules', () => {
	it("4.5 by its documented rules; 5 Pro and the others by the v2 schema's (512 px, any size text, guidance without steps)", () => {
		const wide = { size: 'custom', width: 600, height: 2048, guidance_scale: 3.3 };
		expect(describeProblems(validateGenerateBody(body({ ...wide })))).toBe(
			'Guidance Scale must be a number from 1 to 10 in steps of 0.5 (got 3.3); Width must be a whole number of pixels from 1024 to 4096 when Size is Custom (got 600)',
		);
		for (const model of ['seedream-5-pro', 'seedream-5-lite', 'seedream-4', 'seedream-3.1', 'seedream-3']) {
			expect(validateGenerateBody(body({ ...wide }, { model }))).toEqual([]);
			expect(validateGenerateBody(body({ size: '1K', aspect_ratio: '21:9' }, { model }))).toEqual([]);
			expect(describeProblems(validateGenerateBody(body({ size: 'custom', width: 400, height: 5000 }, { model })))).toBe(
				'Width must be a whole number of pixels from 512 to 4096 when Size is Custom (got 400); Height must be a whole number of pixels from 512 to 4096 when Size is Custom (got 5000)',
			);
		}
		expect(describeProblems(validateGenerateBody(body({ size: '1K' })))).toBe('Size must be one of 2K, 4K, custom (got "1K")');
	});

	it('refuses a model that is not one of the Seedream family', () => {
		expect(describeProblems(validateGenerateBody(body({}, { model: 'flux-pro' })))).toBe(
			'Model must be the ID of a Seedream model Apiframe serves (seedream-…) (got "flux-pro")',
		);
	});

	it('sends Resolution verbatim, and only as text', () => {
		const request = body({ resolution: '2048x2048' }, { model: 'seedream-5-pro' });
		expect(validateGenerateBody(request)).toEqual([]);
		expect(request.seedreamParams).toEqual({ resolution: '2048x2048' });
		expect(describeProblems(validateGenerateBody(body({ resolution: 7 })))).toBe('Resolution must be text (got 7)');
	});
});
