import type { IExecuteFunctions } from 'n8n-workflow';

import { uploadReferenceImages } from '../../../nodes/Seedream/actions/references';

/**
 * A hand-written stand-in for this one function's unit test: row i holds the file `file-<i % files>`;
 * each upload answers after a short wait, and the stand-in counts how many overlap.
 */
function uploadingContext(files: number, apiKey: string) {
	const state = { uploads: 0, inFlight: 0, mostAtOnce: 0 };
	const ctx = {
		getCredentials: async () => ({ apiKey, baseUrl: 'https://api.apiframe.ai' }),
		getExecutionCancelSignal: () => undefined,
		helpers: {
			assertBinaryData: () => ({ mimeType: 'image/png', fileName: 'photo.png' }),
			getBinaryDataBuffer: async (itemIndex: number) => Buffer.from(`file-${itemIndex % files}`),
			httpRequestWithAuthentication: async () => {
				const upload = ++state.uploads;
				state.inFlight++;
				state.mostAtOnce = Math.max(state.mostAtOnce, state.inFlight);
				await new Promise((resolve) => setTimeout(resolve, 20));
				state.inFlight--;
				return { statusCode: 201, headers: {}, body: { url: `https://cdn.example/u/${upload}`, expiresAt: new Date(Date.now() + 3_600_000).toISOString() } };
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, state };
}

describe('reference files from earlier steps', () => {
	it('are uploaded at most 4 at a time per account, however many rows start together', async () => {
		const { ctx, state } = uploadingContext(12, 'afk_unit_uploads_lane');
		const urls = await Promise.all(Array.from({ length: 12 }, (_, row) => uploadReferenceImages(ctx, row, ['photo'])));
		expect(state.uploads).toBe(12);
		expect(state.mostAtOnce).toBe(4);
		expect(new Set(urls.flat()).size).toBe(12);
	});

	it('are uploaded once per account and file: a retried row, or another row with the same file, sends the same URL', async () => {
		const { ctx, state } = uploadingContext(2, 'afk_unit_uploads_once');
		const first = await Promise.all([0, 1].map((row) => uploadReferenceImages(ctx, row, ['photo'])));
		const again = await Promise.all([2, 3, 0].map((row) => uploadReferenceImages(ctx, row, ['photo'])));
		expect(state.uploads).toBe(2);
		expect(again).toEqual([first[0], first[1], first[0]]);
	});
});
