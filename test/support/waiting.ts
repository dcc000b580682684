/** The tests' one way to wait: a pause, a poll until something shows up, and named timings. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined or false. */
export async function waitFor<T>(
	probe: () => T | undefined | false | Promise<T | undefined | false>,
	timeoutMs = 10_000,
	what = 'condition',
	intervalMs = 20,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(intervalMs);
	}
}

/** `timed(label, fn)` runs fn and records how long it took, in ms, under `timings[label]`. */
export function stopwatch() {
	const timings: Record<string, number> = {};
	async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
		const started = Date.now();
		try {
			return await fn();
		} finally {
			timings[label] = Date.now() - started;
		}
	}
	return { timings, timed };
}
