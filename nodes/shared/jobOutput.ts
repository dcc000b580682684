import type { IBinaryData, IBinaryKeyData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ApiContext } from './api';
import { getAccount } from './api';
import { IMAGE_URLS_PER_JOB_MAX } from './constants';
import { DownloadRefusedError, downloadImageAsBinary } from './images';
import type { ParsedJob } from './job';
import { buildUrlPolicy } from './trustedUrls';

export type ItemsPer = 'job' | 'image';

export interface JobOutputOptions {
	/** Download the result images into binary properties (off: URLs only). */
	download: boolean;
	binaryPropertyName: string;
	itemsPer: ItemsPer;
	/** More origins images may come from (the trigger's Trusted Image Origins option), comma-separated. */
	trustedImageOrigins?: string;
}

/** `data`, `data_1`, `data_2`…: the first image keeps the plain name most workflows expect. */
export function binaryKeyFor(baseName: string, imageIndex: number): string {
	return imageIndex === 0 ? baseName : `${baseName}_${imageIndex}`;
}

export function jobJson(job: ParsedJob): IDataObject {
	const json: IDataObject = {
		jobId: job.jobId,
		status: job.status,
		model: job.model,
		imageUrls: job.imageUrls,
		creditCost: job.creditCost,
		progress: job.progress,
		error: job.error,
		createdAt: job.createdAt,
		completedAt: job.completedAt,
		expired: job.expired || undefined,
	};
	for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
	return json;
}

/** One shape for every place that hands a job on: Generate, Job → Get / Wait, and the trigger. */
export async function jobToItems(
	ctx: ApiContext,
	job: ParsedJob,
	options: JobOutputOptions,
	extraJson: IDataObject = {},
): Promise<INodeExecutionData[]> {
	const base = { ...jobJson(job), ...extraJson };
	const downloads: IBinaryData[] = [];
	if (options.download && job.status === 'COMPLETED' && job.imageUrls.length > 0) {
		if (job.imageUrls.length > IMAGE_URLS_PER_JOB_MAX) {
			throw new DownloadRefusedError(
				`The job lists ${job.imageUrls.length} image URLs; at most ${IMAGE_URLS_PER_JOB_MAX} are downloaded per job, so none were`,
			);
		}
		// The Base URL origin is trusted exactly (the simulator, a proxy); Apiframe's CDN always.
		const policy = buildUrlPolicy((await getAccount(ctx)).baseUrl, options.trustedImageOrigins);
		for (const [index, url] of job.imageUrls.entries()) {
			downloads.push(await downloadImageAsBinary(ctx, url, job.jobId, index + 1, policy));
		}
	}
	if (options.itemsPer === 'image' && job.imageUrls.length > 0) {
		return job.imageUrls.map((url, index) =>
({
				json: { ...base, imageIndex: index + 1, imageUrl: url },
				...(downloads[index] ? { binary: { [options.binaryPropertyName]: downloads[index] } } : {}),
			}),
		);
	}
	const binary: IBinaryKeyData = {};
	downloads.forEach((data, index) => (binary[binaryKeyFor(options.binaryPropertyName, index)] = data));
	return [{ json: base, ...(downloads.length ? { binary } : {}) }];
}
