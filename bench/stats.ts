/** Small numeric helpers: medians, rounding, percentiles. */
export function median(values: number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function mean(values: number[]): number {
	return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

export function round(value: number, digits = 3): number {
	if (!Number.isFinite(value)) return value;
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/** Median of one numeric field over repeats. */
export function medianOf<T>(runs: T[], pick: (run: T) => number): number {
	return median(runs.map(pick));
}
