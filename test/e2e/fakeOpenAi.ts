/**
 * A scripted stand-in for OpenAI's chat completions API, so a real n8n AI Agent can run offline:
 * the first turn asks for a tool call (the Seedream tool with fixed arguments), the turn after
 * the tool's answer replies with text quoting it. Records every request for the test to inspect.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface FakeOpenAi {
	/** Base URL with /v1, as the OpenAI credential's "Base URL" field expects. */
	url: string;
	requests: any[];
	close(): Promise<void>;
}

function completion(model: string, message: Record<string, unknown>, finishReason: string): Record<string, unknown> {
	return {
		id: `chatcmpl-fake-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finishReason, logprobs: null }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The streamed form of the same answer (LangChain streams when the agent asks it to). */
function sse(res: http.ServerResponse, body: any): void {
	const choice = body.choices[0];
	const delta: Record<string, unknown> = { role: 'assistant', content: choice.message.content ?? '' };
	if (choice.message.tool_calls) delta.tool_calls = choice.message.tool_calls.map((c: any, index: number) => ({ index, ...c }));
	const chunk = (d: unknown, finish: string | null) => ({ id: body.id, object: 'chat.completion.chunk', created: body.created, model: body.model, choices: [{ index: 0, delta: d, finish_reason: finish }] });
	res.writeHead(200, { 'content-type': 'text/event-stream' });
	res.write(`data: ${JSON.stringify(chunk(delta, null))}\n\n`);
	res.write(`data: ${JSON.stringify(chunk({}, choice.finish_reason))}\n\n`);
	res.end('data: [DONE]\n\n');
}

export async function startFakeOpenAi(toolArgs: Record<string, unknown>): Promise<FakeOpenAi> {
	const requests: any[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
			requests.push({ method: req.method, path: req.url, body });
			if (req.method === 'GET' && req.url?.endsWith('/models')) {
				res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4.1-mini', object: 'model' }] }));
				return;
			}
			if (!req.url?.endsWith('/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
				return;
			}
			const messages: any[] = body.messages ?? [];
			const toolResult = [...messages].reverse().find((m) => m.role === 'tool');
			const toolName: string | undefined = body.tools?.[0]?.function?.name;
			const answer = toolResult
				? completion(body.model, { content: `Here is your picture. Tool result: ${typeof toolResult.content === 'string' ? toolResult.content : JSON.stringify(toolResult.content)}` }, 'stop')
				: completion(body.model, { tool_calls: [{ id: 'call_seedream_1', type: 'function', function: { name: toolName ?? 'missing_tool', arguments: JSON.stringify(toolArgs) } }] }, 'tool_calls');
			if (body.stream) sse(res, answer);
			else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
