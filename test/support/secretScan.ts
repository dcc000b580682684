import { createHash } from 'node:crypto';

/**
 * Every text reachable from a value: strings, property names and the bytes of buffers, through
 * every own property (non-enumerable ones too: an error's message, stack and cause), with cycles.
 * Stricter than any serialisation n8n does, so a key not found here is in none of them.
 */
export function reachableTexts(root: unknown): string[] {
	const texts: string[] = [];
	const seen = new Set<unknown>();
	const stack: unknown[] = [root];
	while (stack.length > 0) {
		const value = stack.pop();
		if (typeof value === 'string') texts.push(value);
		if (value === null || typeof value !== 'object' || seen.has(value)) continue;
		seen.add(value);
		if (ArrayBuffer.isView(value)) {
			texts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1'));
			continue;
		}
		for (const name of Object.getOwnPropertyNames(value)) {
			texts.push(name);
			const descriptor = Object.getOwnPropertyDescriptor(value, name);
			stack.push(descriptor && 'value' in descriptor ? descriptor.value : (value as Record<string, unknown>)[name]);
		}
	}
	return texts;
}

/** The forms of a key that must never be shown: the key and its hex SHA-256 (the signing key). */
export function keyForms(apiKey: string): string[] {
	return [apiKey, createHash('sha256').update(apiKey).digest('hex')];
}

/** How many reachable texts hold the key or its digest (0 is the only right answer). */
export function textsHoldingKey(root: unknown, apiKey: string): number {
	const forms = keyForms(apiKey);
	return reachableTexts(root).filter((text) => forms.some((form) => text.includes(form))).length;
}
