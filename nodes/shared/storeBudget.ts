import { Semaphore } from './semaphore';

/**
 * Bytes of images being stored at once in this n8n process. n8n's database binary mode (the only
 * one queue mode allows) reads each file whole into memory before it writes it, so without a
 * budget a batch of 4K images finishing together sits in memory all at once. Small images are
 * unaffected; a file larger than the budget is stored alone.
 */
export class StoreBudget {
	private readonly bytes: Semaphore;

	constructor(budgetBytes: number) {
		this.bytes = new Semaphore(budgetBytes);
	}

	/** Waits for room for `bytes` (first come, first served); resolves to the release. */
	async acquire(bytes: number, signal: AbortSignal | undefined): Promise<() => void> {
		return await this.bytes.acquire(bytes, signal);
	}
}
