/**
 * A Base URL of plain http to a public host would put the key on the wire in clear: every path
 * that sends the key refuses it before connecting (custom operations, routed operations, the
 * credential test). 192.0.2.1 is a documentation address: a connection attempt would time out,
 * so the exact refusal is also the proof that none was made.
 */
import { testCredential } from '../../harness';
import { credentialType, generateParameters, rows, runSeedream, useSimulator } from '../../support/seedream';

const PUBLIC_HTTP = 'http://192.0.2.1:8787/v2';
const REFUSAL = "The credential's Base URL http://192.0.2.1:8787 would send the API key unencrypted over plain http: use https://192.0.2.1:8787";
const HOSTS =
	'Plain http is allowed only to local-network hosts: localhost, 127.x, ::1, 10.x, 172.16–31.x, 192.168.x, 100.64–127.x, fc00::/7, *.local and *.internal names, and single-label names such as apiframe-sim.';

describe('a public http Base URL is refused before any request', () => {
	const sim = useSimulator();
	const credentials = () => ({ apiKey: sim.apiKey, baseUrl: PUBLIC_HTTP });

	it('Job → Get and Image → Generate fail the row with the Base URL named and https asked for', async () => {
		const get = await runSeedream({ sim, credentials: credentials(), continueOnFail: true, parameters: { resource: 'job', operation: 'get', jobId: 'job-1' } });
		expect(get.output('Seedream')).toEqual([{ json: { error: REFUSAL, details: { itemIndex: 0, jobId: 'job-1', description: HOSTS } }, pairedItem: { item: 0 } }]);
		const generate = await runSeedream({ sim, credentials: credentials(), parameters: generateParameters({ waitForCompletion: false }), items: rows(['a fox']) });
		expect(generate.runData.Seedream[0].error?.message).toBe(REFUSAL);
		expect(sim.requests()).toHaveLength(0);
	});

	it('Account → Get (routed) and the credential test are refused by the credential itself', async () => {
		const account = await runSeedream({ sim, credentials: credentials(), parameters: { resource: 'account', operation: 'get' } });
		expect(account.runData.Seedream[0].error?.message).toBe(REFUSAL);
		expect(await testCredential(credentialType, credentials())).toEqual({ status: 'Error', message: REFUSAL });
	});

	it('the simulator on loopback stays allowed: the same operations work', async () => {
		const account = await runSeedream({ sim, parameters: { resource: 'account', operation: 'get' } });
		expect(account.output('Seedream')).toHaveLength(1);
		expect(await testCredential(credentialType, { apiKey: sim.apiKey, baseUrl: sim.url })).toMatchObject({ status: 'OK' });
		expect(sim.requests().map((r) => r.path)).toEqual(['/v2/me', '/v2/me']);
	});
});
