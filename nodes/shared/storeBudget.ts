import { CancelledError, throwIfCancelled } from './retry';

/**
 * Bytes of images being stored at once in this n8n process. n8n's database binary mode (the only
 * one queue mode allows) reads each file whole into memory before it writes it, so without a
 * budget a batch of 4K images finishing together sits in memory all at once. Small images are
 * unaffected; a file larger than the budget is stored alone.
 */
export class StoreBudget {
	private inUseBytes = 0;
	private readonly waiting: Array<{ bytes: number; grant: () => void }> = [];

	constructor(private readonly budgetBytes: number) {}

	/** Waits for room for `bytes` (first come, first served); resolves to the release. */
	async acquire(bytes: number, signal: AbortSignal | undefined): Promise<() => void> {
		throwIfCancelled(signal);
		if (this.waiting.length === 0 && this.fits(bytes)) return this.take(bytes);
		return await new Promise<() => void>((resolve, reject) => {
			const entry = {
				bytes,
				grant: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve(this.take(bytes));
				},
			};
			const onAbort = () => {
				const index = this.waiting.indexOf(entry);
				if (index >= 0) this.waiting.splice(index, 1);
				reject(new CancelledError());
				this.grantWaiting();
			};
			this.waiting.push(entry);
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	}

	private fits(bytes: number): boolean {
		return this.inUseBytes === 0 || this.inUseBytes + bytes <= this.budgetBytes;
	}

	private take(bytes: number): () => void {
		this.inUseBytes += bytes;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.inUseBytes -= bytes;
			this.grantWaiting();
		};
	}

	private grantWaiting(): void {
		while (this.waiting.length && this.fits(this.waiting[0].bytes)) (this.waiting.shift() as { grant: () => void }).grant();
	}
}
