/**
 * One knob for every wait the nodes make. Production keeps 1. The tests and the benchmark run the
 * simulator with a time scale (a 15 s job in 150 ms) and set the same scale here, so that polling
 * and backoff keep the proportions they have against the real API.
 */
let timeScale = 1;

export function setTimeScale(scale: number): void {
	if (!(scale > 0)) throw new Error('The time scale must be a positive number');
	timeScale = scale;
}

export function scaledMs(ms: number): number {
	return ms * timeScale;
}
