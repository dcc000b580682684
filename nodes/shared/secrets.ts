/** Keys look like `afk_…`; whatever we show a user keeps only enough to tell two keys apart. */
export function maskApiKey(apiKey: string): string {
	if (apiKey.length <= 8) return '***';
	return `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
}

/** Removes every occurrence of the key from a text before it reaches an item, an error or a log. */
export function redactSecret(text: string, secret: string | undefined): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join(maskApiKey(secret));
}
