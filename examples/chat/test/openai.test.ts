import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentError, createAgent, OpenAiAgent } from '../src/agent/index.js';
import { loadConfig } from '../src/config.js';
import type { Message } from '../src/conversation.js';

/** A tiny server that speaks the chat-completions shape, recording what it was sent. */
interface Recorded {
  path: string;
  authorization?: string;
  body: { model: string; messages: { role: string; content: string }[] };
}

let server: Server;
let base: string;
const seen: Recorded[] = [];
/** What the next request gets: a status and a body (default: an answer echoing the last message). */
let next: { status: number; body: unknown; delayMs?: number } | undefined;

async function readBody(req: IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as Recorded['body'];
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
    const planned = next;
    next = undefined;
    if (planned?.delayMs) await new Promise((r) => setTimeout(r, planned.delayMs));
    const status = planned?.status ?? 200;
    const payload = planned?.body ?? {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: body.model,
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: { role: 'assistant', content: `echo: ${body.messages.at(-1)?.content}` },
        },
      ],
    };
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const history: Message[] = [
  { id: '1', role: 'user', content: 'hi', created_at: '2025-01-01T00:00:00.000Z' },
  {
    id: '2',
    role: 'assistant',
    content: 'hello',
    tool_calls: [{ id: 'c1', name: 'lookup', arguments: '{}' }],
    created_at: '2025-01-01T00:00:01.000Z',
  },
];

function agent(overrides: Partial<ReturnType<typeof loadConfig>['openai']> = {}) {
  const cfg = loadConfig({
    JWT_SECRET: 'x'.repeat(32),
    AGENT: 'openai',
    OPENAI_BASE_URL: `${base}/`,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_MODEL: 'test-model',
    OPENAI_SYSTEM_PROMPT: 'You are a helpful assistant.',
  });
  return new OpenAiAgent({ ...cfg.openai, ...overrides });
}

describe('OpenAI-compatible agent', () => {
  it('is chosen and configured by environment variables', () => {
    const cfg = loadConfig({
      JWT_SECRET: 'x'.repeat(32),
      AGENT: 'openai',
      OPENAI_BASE_URL: 'http://llm.local/v1/',
      OPENAI_MODEL: 'm',
    });
    expect(createAgent(cfg)).toBeInstanceOf(OpenAiAgent);
    expect(cfg.openai).toMatchObject({ baseUrl: 'http://llm.local/v1', model: 'm' });
    expect(createAgent(loadConfig({ JWT_SECRET: 'x'.repeat(32) })).name).toBe('local');
  });

  it('sends the model, the system prompt, the window and the new message; returns the answer', async () => {
    seen.length = 0;
    const reply = await agent().reply({ userId: 'u', conversationId: 'c', history, message: 'how are you?' });
    expect(reply).toEqual({ content: 'echo: how are you?' });
    expect(seen).toHaveLength(1);
    expect(seen[0].path).toBe('/v1/chat/completions');
    expect(seen[0].authorization).toBe('Bearer sk-test');
    expect(seen[0].body).toEqual({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'how are you?' },
      ],
    });
  });

  it('returns tool calls in the stored shape', async () => {
    next = {
      status: 200,
      body: {
        choices: [
          {
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: 'call_9',
                  type: 'function',
                  function: { name: 'add_task', arguments: '{"title":"milk"}' },
                },
              ],
            },
          },
        ],
      },
    };
    const reply = await agent().reply({ userId: 'u', conversationId: 'c', history: [], message: 'add milk' });
    expect(reply).toEqual({
      content: '',
      tool_calls: [{ id: 'call_9', name: 'add_task', arguments: '{"title":"milk"}' }],
    });
  });

  it('fails with AgentError on an error status, a malformed answer, a timeout or no server', async () => {
    const input = { userId: 'u', conversationId: 'c', history: [], message: 'x' };
    next = { status: 429, body: { error: { message: 'rate limited' } } };
    await expect(agent().reply(input)).rejects.toThrow(/answered 429.*rate limited/);
    next = { status: 200, body: 'not json' };
    await expect(agent().reply(input)).rejects.toThrow(AgentError);
    next = { status: 200, body: { choices: [] } };
    await expect(agent().reply(input)).rejects.toThrow(/without choices/);
    next = { status: 200, body: {}, delayMs: 300 };
    await expect(agent({ timeoutMs: 50 }).reply(input)).rejects.toThrow(AgentError);
    await expect(agent({ baseUrl: 'http://127.0.0.1:1/v1' }).reply(input)).rejects.toThrow(/unreachable/);
  });
});
