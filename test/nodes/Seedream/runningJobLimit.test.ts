import { limitFromAccount } from '../../../nodes/Seedream/actions/runningJobLimit';

describe("reading the plan's running-job limit", () => {
	it('takes a reported number, treats an explicit null as no cap, and otherwise leaves the limit to be learned', () => {
		expect(limitFromAccount({ team: { maxConcurrentJobs: 25 } })).toBe(25);
		expect(limitFromAccount({ team: { maxConcurrentJobs: null } })).toBe(Number.POSITIVE_INFINITY);
		expect(limitFromAccount({ team: { id: 't1', name: 'Team', credits: 10, plan: 'pro', customerId: null } })).toBeUndefined();
		expect(limitFromAccount({ team: null })).toBeUndefined();
	});
});
