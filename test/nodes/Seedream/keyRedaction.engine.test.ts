/**
 * A server that echoes the API key in its error answers (message, details, every header it got):
 * whatever n8n keeps of the error, and the item under continue-on-fail, holds no key.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { LocalServer } from '../SeedreamTrigger/receiver';
import { textsHoldingKey } from '../../support/secretScan';
import { runSeedream, useSimulator } from '../../support/seedream';

const KEY = 'afk_echo_0123456789abcdef0123456789abcdef';
const MASK = 'afk_…cdef';

function echoKey(status: number) {
	return (req: IncomingMessage, res: ServerResponse) => {
		const key = String(req.headers['x-api-key']);
		const body = { error: `Invalid API key ${key}`, details: { [`headers.${key}`]: [`got ${key}`] }, echo: { headers: req.headers, deep: [[[{ key }]]] } };
		res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req-${key}` }).end(JSON.stringify(body));
	};
}

describe('the API key in no field of an error, with a server that echoes it', () => {
	const sim = useSimulator();
	const echo = new LocalServer();
	const credentials = () => ({ apiKey: KEY, baseUrl: echo.url });

	beforeAll(async () => {
		await echo.start();
	});
	beforeEach(() => {
		echo.reset();
		echo.routes['/v2/jobs/job-1'] = echoKey(400);
		echo.routes['/v2/me'] = echoKey(401);
	});
	afterAll(async () => {
		await echo.stop();
	});

	it('Job → Get (a custom operation): the node error and everything in it', async () => {
		const result = await runSeedream({ sim, credentials: credentials(), parameters: { resource: 'job', operation: 'get', jobId: 'job-1' } });
		const error = result.runData.Seedream[0].error!;
		expect(error.message).toBe(`Apiframe rejected the request: Invalid API key ${MASK}`);
		expect(error.description).toBe(
			`headers.${MASK}: got ${MASK}\nRequest ID: req-${MASK}`,
		);
		// The server did get the key: the echo is real.
		expect(echo.paths).toEqual(['/v2/jobs/job-1']);
		for (const part of [error, (error as { errorResponse?: unknown }).errorResponse, error.context, error.description, error.message]) {
			expect(JSON.stringify(part) ?? '').not.toContain(KEY);
		}
		expect(textsHoldingKey(error, KEY)).toBe(0);
		expect(textsHoldingKey(result.error, KEY)).toBe(0);
	});

	it('Job → Get under continue-on-fail: the error item holds no key', async () => {
		const result = await runSeedream({ sim, credentials: credentials(), continueOnFail: true, parameters: { resource: 'job', operation: 'get', jobId: 'job-1' } });
		const [item] = result.output('Seedream');
		expect(item.json).toEqual({
			error: `Apiframe rejected the request: Invalid API key ${MASK}`,
			details: { itemIndex: 0, jobId: 'job-1', description: `headers.${MASK}: got ${MASK}\nRequest ID: req-${MASK}`, httpCode: '400' },
		});
		expect(textsHoldingKey(result.runData, KEY)).toBe(0);
	});

	it('Account → Get (a routed operation): the same', async () => {
		const failed = await runSeedream({ sim, credentials: credentials(), parameters: { resource: 'account', operation: 'get' } });
		const error = failed.runData.Seedream[0].error!;
		expect(error.message).toBe(`Apiframe did not accept the API key (Invalid API key ${MASK})`);
		expect(textsHoldingKey(error, KEY)).toBe(0);
		expect(JSON.stringify(error)).not.toContain(KEY);
		const continued = await runSeedream({ sim, credentials: credentials(), continueOnFail: true, parameters: { resource: 'account', operation: 'get' } });
		expect(continued.output('Seedream')[0].json.error).toBe(`Apiframe did not accept the API key (Invalid API key ${MASK})`);
		expect(textsHoldingKey(continued.runData, KEY)).toBe(0);
		expect(echo.paths).toEqual(['/v2/me', '/v2/me']);
	});
});
