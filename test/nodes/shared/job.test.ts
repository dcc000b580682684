import { imageUrlsOf, isTerminal, parseJob } from '../../../nodes/shared/job';

describe('the job parser', () => {
	it('accepts result as {images}, as a plain URL string, or as a list', () => {
		expect(imageUrlsOf({ images: ['https://cdn/a.png', 'https://cdn/b.png'] })).toEqual(['https://cdn/a.png', 'https://cdn/b.png']);
		expect(imageUrlsOf('https://cdn/a.png')).toEqual(['https://cdn/a.png']);
		expect(imageUrlsOf(['https://cdn/a.png', 7, ''])).toEqual(['https://cdn/a.png']);
		expect(imageUrlsOf(null)).toEqual([]);
		expect(imageUrlsOf({ images: 'https://cdn/one.jpg' })).toEqual(['https://cdn/one.jpg']);
	});

	it('reads a job from the API and a webhook payload alike', () => {
		const fromApi = parseJob({
			id: 'j1',
			status: 'COMPLETED',
			model: 'seedream-4.5',
			progress: 100,
			result: { images: ['https://cdn/j1-1.jpg'] },
			creditCost: 4,
			expired: false,
			completedAt: '2026-11-24T10:00:00Z',
		});
		expect(fromApi).toMatchObject({ jobId: 'j1', status: 'COMPLETED', creditCost: 4, imageUrls: ['https://cdn/j1-1.jpg'], expired: false });
		const fromWebhook = parseJob({ event: 'failed', jobId: 'j2', status: 'failed', error: 'Content policy violation' });
		expect(fromWebhook).toMatchObject({ jobId: 'j2', status: 'FAILED', error: 'Content policy violation', imageUrls: [] });
		expect(parseJob('garbage')).toMatchObject({ jobId: '', status: 'UNKNOWN' });
	});

	it('treats COMPLETED, FAILED and CANCELLED as the end', () => {
		expect(['COMPLETED', 'FAILED', 'CANCELLED'].every(isTerminal)).toBe(true);
		expect(['QUEUED', 'PROCESSING'].some(isTerminal)).toBe(false);
	});
});
