/**
 * pause() on n8n 1.x: n8n-workflow 1.x's sleep(ms, signal) ignores its signal, so a Stop (or a
 * wake-up of the running-job window) would wait the whole timer out. Here sleep is replaced by
 * one that ignores the signal the same way; pause must still end within a few ms of the abort.
 */
import { CancelledError, pause } from '../../../nodes/shared/retry';

const timers: NodeJS.Timeout[] = [];
// Like n8n-workflow 1.x: resolves after ms, whatever happens to the signal.
const signalIgnoringSleep = jest.fn(
	async (ms: number) =>
		await new Promise<void>((resolve) => {
			timers.push(setTimeout(resolve, ms));
		}),
);
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: (ms: number) => signalIgnoringSleep(ms) }));

afterEach(() => {
	for (const t of timers.splice(0)) clearTimeout(t);
	signalIgnoringSleep.mockClear();
});

describe('pause with a sleep that ignores its signal (n8n 1.x)', () => {
	it('rejects with CancelledError within a few ms of the abort, not when the 5 s sleep ends', async () => {
		const controller = new AbortController();
		let abortedAt = 0;
		const paused = pause(5_000, controller.signal);
		setTimeout(() => {
			abortedAt = Date.now();
			controller.abort();
		}, 50);
		const error = await paused.catch((e: unknown) => e);
		// Counted from the abort itself: only promise callbacks run in between, no timer.
		const afterAbortMs = Date.now() - abortedAt;
		expect(abortedAt).toBeGreaterThan(0);
		expect(error).toBeInstanceOf(CancelledError);
		expect((error as Error).message).toBe('The execution was cancelled');
		expect(afterAbortMs).toBeLessThan(20);
		expect(signalIgnoringSleep).toHaveBeenCalledTimes(1);
		expect(signalIgnoringSleep).toHaveBeenCalledWith(5_000);
	});

	it('rejects at once, without sleeping, when the signal is already aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(pause(5_000, controller.signal)).rejects.toBeInstanceOf(CancelledError);
		expect(signalIgnoringSleep).not.toHaveBeenCalled();
	});

	it('resolves when the sleep ends first and removes its abort listener', async () => {
		const controller = new AbortController();
		const add = jest.spyOn(controller.signal, 'addEventListener');
		const remove = jest.spyOn(controller.signal, 'removeEventListener');
		await expect(pause(20, controller.signal)).resolves.toBeUndefined();
		expect(add).toHaveBeenCalledTimes(1);
		expect(remove).toHaveBeenCalledTimes(1);
		expect(remove.mock.calls[0][1]).toBe(add.mock.calls[0][1]);
		controller.abort(); // a late Stop reaches no leftover listener: nothing to reject, nothing thrown
	});

	it('sleeps the full time without a signal', async () => {
		const started = Date.now();
		await expect(pause(30, undefined)).resolves.toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(25);
	});
});
