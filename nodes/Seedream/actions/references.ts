import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { apiframeRequest } from '../../shared/api';
import { UPLOAD_MAX_BYTES } from '../../shared/constants';
import type { FieldProblem } from './validateGenerate';
import { splitUrlList } from './validateGenerate';

export function binaryPropertyNames(ctx: IExecuteSingleFunctions): string[] {
	return splitUrlList(ctx.getNodeParameter('referenceImageBinary', '') as string);
}

/** Checks the named binary properties exist and are images before anything is uploaded or paid. */
export function checkReferenceBinaries(ctx: IExecuteSingleFunctions, names: string[]): FieldProblem[] {
	const binary = ctx.getInputData().binary ?? {};
	return names.flatMap((name): FieldProblem[] => {
		const data = binary[name];
		if (!data) {
			return [{ field: 'Reference Image (Binary Property)', value: name, allowed: `must name a binary property of the input item (it has: ${Object.keys(binary).join(', ') || 'none'})` }];
		}
		if (data.mimeType && !data.mimeType.startsWith('image/')) {
			return [{ field: 'Reference Image (Binary Property)', value: `${name} (${data.mimeType})`, allowed: 'must hold an image file' }];
		}
		return [];
	});
}

/** A file from an earlier step becomes a reference URL through the free `/v2/uploads` endpoint. */
export async function uploadReferenceImages(ctx: IExecuteSingleFunctions, names: string[]): Promise<string[]> {
	const urls: string[] = [];
	for (const name of names) {
		const meta = ctx.helpers.assertBinaryData(name);
		const buffer = await ctx.helpers.getBinaryDataBuffer(name);
		if (buffer.length > UPLOAD_MAX_BYTES) {
			throw new Error(`The reference image in binary property "${name}" is larger than 25 MB, the upload limit`);
		}
		const form = new FormData();
		form.append('file', new Blob([new Uint8Array(buffer)], { type: meta.mimeType }), meta.fileName ?? `${name}.${meta.fileExtension ?? 'png'}`);
		const uploaded = await apiframeRequest<IDataObject>(ctx, {
			method: 'POST',
			path: '/v2/uploads',
			body: form,
			// An upload creates a short-lived file and bills nothing: safe to send again.
			idempotent: true,
		});
		urls.push(String(uploaded.url));
	}
	return urls;
}
