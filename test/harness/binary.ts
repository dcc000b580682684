/** Reading binary data back the way n8n does (`getBinaryDataBuffer`), for assertions. */
import type { INodeExecutionData } from 'n8n-workflow';
import { BINARY_ENCODING, UnexpectedError } from 'n8n-workflow';

import { ensureEnvironment } from './environment';

/**
 * Returns the bytes of `item.binary[prop]`. `prop` defaults to 'data', or to the item's only
 * binary property. Filesystem-mode binaries carry an `id` pointing into the harness's temp
 * folder and go through BinaryDataService; inline (base64) ones are decoded directly, as
 * BinaryDataService.getAsBuffer does too.
 */
export async function readBinary(item: INodeExecutionData, prop?: string): Promise<Buffer> {
	const keys = Object.keys(item.binary ?? {});
	const key = prop ?? (keys.includes('data') || keys.length !== 1 ? 'data' : keys[0]);
	const binaryData = item.binary?.[key];
	if (binaryData === undefined) {
		throw new UnexpectedError(`Item has no binary property "${key}" (has: ${keys.join(', ') || 'none'})`);
	}
	if (binaryData.id === undefined) return Buffer.from(binaryData.data, BINARY_ENCODING);
	const { binaryDataService } = await ensureEnvironment();
	return await binaryDataService.getAsBuffer(binaryData);
}
