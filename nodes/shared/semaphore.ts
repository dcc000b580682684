import { CancelledError, throwIfCancelled } from './retry';

interface Waiter {
	weight: number;
	limit: number;
	grant: () => void;
}

/**
 * A weighted, first-come-first-served semaphore whose capacity may change while rows wait. It
 * serves the running-job window (weight 1 per job), the store budget (weight = bytes) and lanes
 * such as uploads. A weight larger than the capacity is granted alone. A user's Stop (the signal)
 * ends a wait with a CancelledError and hands the place to the next in line.
 */
export class Semaphore {
	private used = 0;
	private readonly queue: Waiter[] = [];

	constructor(private capacity: number) {}

	get inUse(): number {
		return this.used;
	}

	get waiting(): number {
		return this.queue.length;
	}

	setCapacity(capacity: number): void {
		this.capacity = capacity;
		this.grantWaiting();
	}

	/**
	 * Waits for `weight` (first come, first served); resolves to the release. `limit`, when given,
	 * caps what this caller accepts in use with it (a per-call cap, never stored).
	 */
	async acquire(weight: number, signal: AbortSignal | undefined, limit = Number.POSITIVE_INFINITY): Promise<() => void> {
		throwIfCancelled(signal);
		if (this.queue.length === 0 && this.fits(weight, limit)) return this.take(weight);
		return await new Promise<() => void>((resolve, reject) => {
			const waiter: Waiter = {
				weight,
				limit,
				grant: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve(this.take(weight));
				},
			};
			const onAbort = () => {
				const index = this.queue.indexOf(waiter);
				if (index >= 0) this.queue.splice(index, 1);
				reject(new CancelledError());
				this.grantWaiting();
			};
			this.queue.push(waiter);
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	}

	/** Runs `work` holding one place (a lane: at most `capacity` at once). */
	async run<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
		const release = await this.acquire(1, signal);
		try {
			return await work();
		} finally {
			release();
		}
	}

	private fits(weight: number, limit: number): boolean {
		return this.used === 0 || this.used + weight <= Math.min(this.capacity, limit);
	}

	private take(weight: number): () => void {
		this.used += weight;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.used -= weight;
			this.grantWaiting();
		};
	}

	private grantWaiting(): void {
		while (this.queue.length && this.fits(this.queue[0].weight, this.queue[0].limit)) (this.queue.shift() as Waiter).grant();
	}
}
