/** A stand-in for an object that starts in beforeAll, so a suite can name it at the top: reads and writes reach the live one. */
export function forwardTo<T extends object>(live: () => T | undefined, what: string): T {
	return new Proxy({} as T, {
		get: (_target, property) => {
			const object = live();
			if (!object) throw new Error(`The ${what} starts in beforeAll: use it inside a test`);
			const value = object[property as keyof T];
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
		},
		set: (_target, property, value) => {
			const object = live();
			if (!object) throw new Error(`The ${what} starts in beforeAll: use it inside a test`);
			(object as Record<string | symbol, unknown>)[property] = value;
			return true;
		},
	});
}
