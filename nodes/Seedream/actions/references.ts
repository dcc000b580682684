import { createHash } from 'crypto';
import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { apiframeRequest, getAccount } from '../../shared/api';
import { UPLOAD_LIFETIME_DEFAULT_MS, UPLOAD_MAX_BYTES, UPLOAD_REUSE_MARGIN_MS } from '../../shared/constants';
import type { Upload } from '../jobRunner/account';
import { accountState, clock } from '../jobRunner/registry';
import type { UploadedReferences } from './findEarlierJob';
import type { FieldProblem } from './validateGenerate';
import { splitUrlList } from './validateGenerate';

const FIELD = 'Reference Image (Binary Property)';

export function binaryPropertyNames(ctx: IExecuteFunctions, itemIndex: number): string[] {
	return splitUrlList(ctx.getNodeParameter('referenceImageBinary', itemIndex, '') as string);
}

/** The file's size without reading it: n8n keeps it with the file (or it is base64 in the item). */
async function sizeOf(ctx: IExecuteFunctions, data: IBinaryData): Promise<number | undefined> {
	const bytes = (data as IBinaryData & { bytes?: number }).bytes;
	if (typeof bytes === 'number') return bytes;
	if (data.id) return (await ctx.helpers.getBinaryMetadata(data.id)).fileSize;
	return data.data ? Math.floor((data.data.length * 3) / 4) : undefined;
}

/** Checks the named binary properties exist, are images and fit the upload limit, before anything is sent. */
export async function checkReferenceBinaries(ctx: IExecuteFunctions, itemIndex: number, names: string[]): Promise<FieldProblem[]> {
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	const problems: FieldProblem[] = [];
	for (const name of names) {
		const data = binary[name];
		if (!data) {
			problems.push({ field: FIELD, value: name, allowed: `must name a binary property of the input item (it has: ${Object.keys(binary).join(', ') || 'none'})` });
		} else if (data.mimeType && !data.mimeType.startsWith('image/')) {
			problems.push({ field: FIELD, value: `${name} (${data.mimeType})`, allowed: 'must hold an image file' });
		} else if (((await sizeOf(ctx, data)) ?? 0) > UPLOAD_MAX_BYTES) {
			problems.push({ field: FIELD, value: name, allowed: `must be an image of at most ${UPLOAD_MAX_BYTES / 1024 / 1024} MB (Apiframe's upload limit)` });
		}
	}
	return problems;
}

/** The bytes' SHA-256: what identifies a reference file, whatever URL an upload gives it. */
export async function fingerprintReferences(ctx: IExecuteFunctions, itemIndex: number, names: string[]): Promise<string[]> {
	const digests: string[] = [];
	for (const name of names) {
		digests.push(createHash('sha256').update(await ctx.helpers.getBinaryDataBuffer(itemIndex, name)).digest('hex'));
	}
	return digests;
}

/** The files a submit of this row carries as uploads: what tells its earlier job apart after a 409. */
export function uploadedReferences(ctx: IExecuteFunctions, itemIndex: number, names: string[]): UploadedReferences {
	return { count: names.length, digests: async () => await fingerprintReferences(ctx, itemIndex, names) };
}

function forget(uploads: Map<string, Upload>, digest: string, upload: Upload): void {
	if (uploads.get(digest) === upload) uploads.delete(digest);
}

/**
 * Files from an earlier step become reference URLs through the free `/v2/uploads` endpoint. Each
 * file is uploaded once per account and its URL reused while it lives; at most UPLOADS_AT_ONCE
 * uploads run per account.
 */
export async function uploadReferenceImages(ctx: IExecuteFunctions, itemIndex: number, names: string[]): Promise<string[]> {
	const account = accountState((await getAccount(ctx)).accountKey);
	const uploads = account.uploads;
	const urls: string[] = [];
	for (const name of names) {
		const meta = ctx.helpers.assertBinaryData(itemIndex, name);
		const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
		const key = createHash('sha256').update(buffer).digest('hex');
		const known = uploads.get(key);
		if (known && known.reusableUntilMs > clock.now()) {
			urls.push(await known.url);
			continue;
		}
		// Rows of other executions may share this upload: no one row's Stop may end it.
		const upload: Upload = { url: Promise.resolve(''), reusableUntilMs: Number.POSITIVE_INFINITY };
		upload.url = account.uploadLane.run(undefined, async () => {
			const form = new FormData();
			form.append('file', new Blob([new Uint8Array(buffer)], { type: meta.mimeType }), meta.fileName ?? `${name}.${meta.fileExtension ?? 'png'}`);
			// An upload bills nothing and only creates a short-lived file: safe to send again.
			const uploaded = await apiframeRequest<IDataObject>(ctx, { method: 'POST', path: '/v2/uploads', body: form, idempotent: true });
			const expiresAtMs = Date.parse(String(uploaded.expiresAt ?? ''));
			upload.reusableUntilMs = (Number.isNaN(expiresAtMs) ? clock.now() + clock.scaled(UPLOAD_LIFETIME_DEFAULT_MS) : expiresAtMs) - clock.scaled(UPLOAD_REUSE_MARGIN_MS);
			return String(uploaded.url);
		});
		uploads.set(key, upload);
		urls.push(
			await upload.url.catch((error: unknown) => {
				forget(uploads, key, upload);
				throw error;
			}),
		);
	}
	return urls;
}
