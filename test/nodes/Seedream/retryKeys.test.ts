import type { IExecuteFunctions } from 'n8n-workflow';

import { KEYS_EXECUTION_DATA, keysExecutionId } from '../../../nodes/Seedream/actions/submissionIdentity';

/** Just what keysExecutionId reads: the execution's id and mode, and its custom data as n8n keeps it. */
function contextOf(executionId: string, mode: string, customData: Record<string, string> | undefined) {
	return {
		getExecutionId: () => executionId,
		getMode: () => mode,
		customData: customData && {
			get: (key: string) => customData[key],
			set: (key: string, value: string) => (customData[key] = value),
		},
	} as unknown as IExecuteFunctions;
}

describe('the execution id of the keys: a Retry from the Executions list sends the failed run’s keys', () => {
	it('a first run keeps its own id in custom data and makes its keys with it', () => {
		const data: Record<string, string> = {};
		expect(keysExecutionId(contextOf('41', 'webhook', data))).toBe('41');
		expect(data).toEqual({ [KEYS_EXECUTION_DATA]: '41' });
	});

	it("a retry (n8n copied the failed run's custom data) makes its keys with the failed run's id, and a retry of it too", () => {
		const data = { [KEYS_EXECUTION_DATA]: '41' };
		expect(keysExecutionId(contextOf('42', 'retry', data))).toBe('41');
		expect(keysExecutionId(contextOf('43', 'retry', { ...data }))).toBe('41');
	});

	it('outside a retry a kept value is not used: the execution makes keys of its own', () => {
		expect(keysExecutionId(contextOf('44', 'trigger', { [KEYS_EXECUTION_DATA]: '41' }))).toBe('44');
	});

	it('a retry whose custom data has no id (full, or an older n8n), and a context without custom data, use their own id', () => {
		expect(keysExecutionId(contextOf('45', 'retry', {}))).toBe('45');
		expect(keysExecutionId(contextOf('46', 'manual', undefined))).toBe('46');
		const throwing = { ...contextOf('47', 'retry', {}), customData: { get: () => { throw new Error('no execution data'); } } } as unknown as IExecuteFunctions;
		expect(keysExecutionId(throwing)).toBe('47');
	});
});
