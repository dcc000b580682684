import {
	ACCOUNT_LIMIT_CACHE_MS,
	ACCOUNT_PAUSE_MAX_MS,
	COLD_FIRST_LOOK_MS,
	COLD_LOOK_GROWTH,
	COLD_LOOK_MAX_GAP_MS,
	HELD_BEFORE_ANY_START_MS,
	LOOK_MIN_MS,
	RATE_DECREASE_GAP_MS,
	WARM_FIRST_LOOK_QUANTILE,
	WARM_LOOK_GAP_SHARE,
	WARM_TAIL_GAP_SHARE,
	WARM_FIRST_LOOK_MARGIN_SHARE,
} from '../../shared/constants';
import { pause } from '../../shared/retry';
import { scaledMs } from '../../shared/timing';
import type { ScheduleTimes } from './schedule';

/** The runner's clock: n8n-workflow's sleep (through pause: a Stop ends it) and its constants, scaled in this one place. */
export interface RunnerTimes extends ScheduleTimes {
	/** The look budget's window: LOOK_RATE_PER_MINUTE per this many ms. */
	minuteMs: number;
	rateDecreaseGapMs: number;
	accountPauseMaxMs: number;
	accountLimitCacheMs: number;
	heldBeforeAnyStartMs: number;
}

export const clock = {
	now: (): number => Date.now(),
	sleep: pause,
	times: (): RunnerTimes => ({
		lookMinMs: scaledMs(LOOK_MIN_MS),
		coldFirstLookMs: scaledMs(COLD_FIRST_LOOK_MS),
		coldLookGrowth: COLD_LOOK_GROWTH,
		coldLookMaxGapMs: scaledMs(COLD_LOOK_MAX_GAP_MS),
		warmFirstLookQuantile: WARM_FIRST_LOOK_QUANTILE,
		warmLookGapShare: WARM_LOOK_GAP_SHARE,
		warmTailGapShare: WARM_TAIL_GAP_SHARE,
		warmFirstLookMarginShare: WARM_FIRST_LOOK_MARGIN_SHARE,
		minuteMs: scaledMs(60_000),
		rateDecreaseGapMs: scaledMs(RATE_DECREASE_GAP_MS),
		// A Retry-After is the server's own (scaled by the simulator already): capped, not scaled.
		accountPauseMaxMs: ACCOUNT_PAUSE_MAX_MS,
		accountLimitCacheMs: scaledMs(ACCOUNT_LIMIT_CACHE_MS),
		heldBeforeAnyStartMs: scaledMs(HELD_BEFORE_ANY_START_MS),
	}),
	/** A duration (a user's timeout, an upload's lifetime) on the runner's clock: tests and the bench shrink it with the simulator. */
	scaled: (ms: number): number => scaledMs(ms),
};

