/** Samples process.memoryUsage() on a fixed interval and keeps the peaks. */
export interface MemoryFigures {
	rss: number;
	heapUsed: number;
	heapTotal: number;
	external: number;
	arrayBuffers: number;
}

const FIELDS: Array<keyof MemoryFigures> = ['rss', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers'];

export function memoryNow(): MemoryFigures {
	const m = process.memoryUsage();
	return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
}

export interface MemorySampler {
	stop(): { peak: MemoryFigures; samples: number; maxGapMs: number };
}

export function startSampler(intervalMs = 25): MemorySampler {
	const peak = memoryNow();
	let samples = 1;
	let last = performance.now();
	let maxGapMs = 0;
	const take = () => {
		const now = performance.now();
		maxGapMs = Math.max(maxGapMs, now - last);
		last = now;
		const m = memoryNow();
		for (const field of FIELDS) peak[field] = Math.max(peak[field], m[field]);
		samples++;
	};
	const timer = setInterval(take, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			take();
			return { peak, samples, maxGapMs: Math.round(maxGapMs) };
		},
	};
}

/** A steady baseline: collect garbage (when --expose-gc), settle, take the median of a few samples. */
export async function settledBaseline(): Promise<MemoryFigures> {
	const gc = (globalThis as { gc?: () => void }).gc;
	for (let i = 0; i < 3; i++) {
		gc?.();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	const samples: MemoryFigures[] = [];
	for (let i = 0; i < 9; i++) {
		samples.push(memoryNow());
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	const result = {} as MemoryFigures;
	for (const field of FIELDS) result[field] = samples.map((s) => s[field]).sort((a, b) => a - b)[4];
	return result;
}

export function growth(peak: MemoryFigures, base: MemoryFigures): MemoryFigures {
	const result = {} as MemoryFigures;
	for (const field of FIELDS) result[field] = Math.max(0, peak[field] - base[field]);
	return result;
}
