/** Images as the e2e suites compare them: test references, the CDN's file, and what n8n stored. */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { renderImage } from '../simulator/images';
import { drain } from '../support/http';
import type { N8nInstance } from './n8n';

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A small PNG, the same for the same seed: a reference image as a binary property. */
export const png = (seed: string) => renderImage(createHash('sha256').update(seed).digest(), 32, 32, 'png');

/** The CDN's file hashed as it streams in. */
export async function fileHash(url: string): Promise<string> {
	const hash = createHash('sha256');
	await drain(url, (chunk) => hash.update(chunk));
	return hash.digest('hex');
}

/** The bytes n8n stored for an output item's image (filesystem mode: `<n8n folder>/storage/<id>`). */
export const storedHash = (instance: N8nInstance, item: any) =>
	sha256(fs.readFileSync(path.join(instance.userFolder, '.n8n', 'storage', String(item.binary.data.id).replace(/^filesystem-v2:/, ''))));
