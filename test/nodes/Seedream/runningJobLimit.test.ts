import { limitFromAccount } from '../../../nodes/Seedream/actions/runningJobLimit';

describe("reading the plan's running-job limit", () => {
	it('takes the number, treats an explicit null as no cap, and falls back to 10', () => {
		expect(limitFromAccount({ team: { maxConcurrentJobs: 25 } })).toBe(25);
		expect(limitFromAccount({ team: { maxConcurrentJobs: null } })).toBe(Number.POSITIVE_INFINITY);
		expect(limitFromAccount({ team: { credits: 10 } })).toBe(10);
		expect(limitFromAccount({ team: null })).toBe(10);
	});
});
