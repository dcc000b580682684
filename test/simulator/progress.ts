/**
 * Progress curves: what a job shows (status, progress) at each point of its duration. Real
 * providers differ here and the contract leaves room (`progress` is "0–100 or null"), so a
 * client must not depend on one shape. Pure functions of the share of the duration elapsed.
 */

export type ProgressCurve = 'linear' | 'stepped' | 'late-start' | 'none';
export const PROGRESS_CURVES: readonly ProgressCurve[] = ['linear', 'stepped', 'late-start', 'none'];

/**
 * late-start: the share of the duration a job spends QUEUED after it took its slot (the
 * provider has admitted it into the account's capacity but no worker has picked it up yet).
 */
export const LATE_START_SHARE = 0.2;

/** Progress values the curves step through, and at which 'progress' webhooks are sent. */
const STEPS = [25, 50, 75];
/** Guards floor() against 0.6 - 0.2 = 0.39999999999999997 turning a step boundary into the step before. */
const EPS = 1e-9;

export interface CurveView {
	status: 'QUEUED' | 'PROCESSING';
	progress: number | null;
}

/**
 * What a job that holds a slot shows `frac` (0 = it took the slot, 1 = its planned end) of the
 * way through its duration. Past 1 (a [[stuck]] job) it stays at the curve's last value, and
 * none of them reaches 100 before the job really is COMPLETED.
 */
export function curveView(curve: ProgressCurve, frac: number): CurveView {
	const f = Math.max(0, frac);
	switch (curve) {
		case 'stepped':
			return { status: 'PROCESSING', progress: steps(f) };
		case 'late-start':
			if (f < LATE_START_SHARE) return { status: 'QUEUED', progress: null };
			return { status: 'PROCESSING', progress: steps((f - LATE_START_SHARE) / (1 - LATE_START_SHARE)) };
		case 'none':
			return { status: 'PROCESSING', progress: null };
		default:
			// Steps of 5, capped at 99: the simulator's original curve.
			return { status: 'PROCESSING', progress: Math.min(99, Math.floor(f * 20 + EPS) * 5) };
	}
}

/** 0, 25, 50, 75 at equal shares of the span. */
function steps(f: number): number {
	return Math.min(75, Math.floor(f * 4 + EPS) * 25);
}

/** Share of the duration the job stays QUEUED after taking its slot. */
export function queuedShare(curve: ProgressCurve): number {
	return curve === 'late-start' ? LATE_START_SHARE : 0;
}

/**
 * When the 'progress' webhooks go out: the moments the curve first shows 25, 50 and 75, so a
 * webhook never tells a receiver something a GET at that moment would not. A curve without
 * progress sends none.
 */
export function progressWebhooks(curve: ProgressCurve): Array<{ frac: number; progress: number }> {
	if (curve === 'none') return [];
	const start = queuedShare(curve);
	return STEPS.map((p) => ({ frac: start + (1 - start) * (p / 100), progress: p }));
}

/** `[[curve:stepped]]` in a prompt picks that job's curve; an unknown name is plain prompt text. */
export function curveMarker(prompt: string): ProgressCurve | undefined {
	for (const m of prompt.matchAll(/\[\[curve:([a-z-]+)\]\]/g)) {
		if (isProgressCurve(m[1])) return m[1];
	}
	return undefined;
}

export function isProgressCurve(v: unknown): v is ProgressCurve {
	return typeof v === 'string' && (PROGRESS_CURVES as readonly string[]).includes(v);
}
