import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DaprtsProcess } from '../../../test/helpers/daprts-process.js';
import { AgentError, LocalAgent, type AgentInput } from '../src/agent/index.js';
import type { ConversationState, Message } from '../src/conversation.js';
import { ForbiddenError } from '../src/keys.js';
import { dropStateTables, startChat, startDaprts, token, uniqueName, type RunningChat } from './harness.js';

/**
 * The chat service against daprts (the built runtime, `daprts sidecar`) with the real PostgreSQL
 * state store (`state.postgresql` v1 on a table of this file's own), the service in this process.
 */

const table = uniqueName('chat_state');
let daprts: DaprtsProcess;
let chat: RunningChat;

beforeAll(async () => {
  daprts = await startDaprts({ table });
  chat = await startChat(daprts.httpPort);
});

afterAll(async () => {
  await chat?.close();
  await daprts?.[Symbol.asyncDispose]();
  await dropStateTables(table);
});

/** Checks that messages alternate user → assistant and each answer answers the message before it. */
function expectPairs(messages: Message[]): void {
  expect(messages.length % 2).toBe(0);
  for (let i = 0; i < messages.length; i += 2) {
    expect(messages[i].role).toBe('user');
    expect(messages[i + 1].role).toBe('assistant');
    expect(messages[i + 1].content).toContain(`You said: "${messages[i].content}"`);
  }
}

const userContents = (s: ConversationState) =>
  s.messages.filter((m) => m.role === 'user').map((m) => m.content);

describe('persistence', () => {
  it('five messages survive a restart of the service and of daprts', async () => {
    const alice = await token('alice');
    let conv: string | undefined;
    for (let i = 1; i <= 5; i++)
      conv = (await chat.api.sendOk(alice, 'alice', `message ${i}`, conv)).conversation_id;

    // Restart both: a new daprts process (same app id and table) and a new service instance.
    await chat.close();
    await daprts.stop();
    daprts = await startDaprts({ table });
    chat = await startChat(daprts.httpPort);

    const h = await chat.api.history(alice, 'alice', conv!);
    expect(h.status).toBe(200);
    expect(h.body.messages).toHaveLength(10);
    expect(userContents(h.body)).toEqual(['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);
    expectPairs(h.body.messages);
    expect(h.body.created_at <= h.body.updated_at).toBe(true);

    // The agent gets the context back: the full history, first message included.
    const next = await chat.api.sendOk(alice, 'alice', 'What did I say first?', conv);
    expect(next.response).toBe('You first said: "message 1". I can see 10 earlier messages.');
  });

  it('stores the state under chat:{user_id}:{conversation_id} with a TTL of 30 days', async () => {
    const alice = await token('alice');
    const { conversation_id } = await chat.api.sendOk(alice, 'alice', 'ttl check');
    // The bare Dapr API, as any other client sees the entry.
    const res = await daprts.fetch(`/v1.0/state/statestore/chat:alice:${conversation_id}`);
    expect(res.status).toBe(200);
    const state = (await res.json()) as ConversationState;
    expect(state).toMatchObject({ version: 1, user_id: 'alice', conversation_id });
    const expires = Date.parse(res.headers.get('metadata.ttlexpiretime')!);
    expect(Math.abs(expires - (Date.now() + 30 * 86400_000))).toBeLessThan(60_000);
    // The index entry too, refreshed with every write.
    const idx = await daprts.fetch('/v1.0/state/statestore/chat-index:alice');
    expect(idx.headers.get('metadata.ttlexpiretime')).toBeTruthy();
    expect(((await idx.json()) as { conversations: Record<string, unknown> }).conversations).toHaveProperty(
      conversation_id,
    );
  });
});

describe('concurrency', () => {
  it('ten rapid messages in five seconds are all stored, in order', async () => {
    const tok = await token('rapid');
    const first = await chat.api.sendOk(tok, 'rapid', 'rapid 0');
    const started = performance.now();
    // One every 450 ms without waiting for the answers: all ten are sent within five seconds.
    const sends: Promise<unknown>[] = [];
    for (let i = 1; i < 10; i++) {
      sends.push(chat.api.sendOk(tok, 'rapid', `rapid ${i}`, first.conversation_id));
      if (i < 9) await sleep(450);
    }
    // All ten were sent within five seconds (the answers may come in a little after).
    expect(performance.now() - started).toBeLessThan(5000);
    await Promise.all(sends);
    const h = await chat.api.history(tok, 'rapid', first.conversation_id);
    expect(userContents(h.body)).toEqual(Array.from({ length: 10 }, (_, i) => `rapid ${i}`));
    expectPairs(h.body.messages);
    const times = h.body.messages.map((m) => m.created_at);
    expect([...times].sort()).toEqual(times);
  });

  it('a burst of ten messages fired at once is stored in the order the service received them', async () => {
    const tok = await token('burst');
    const first = await chat.api.sendOk(tok, 'burst', 'burst start');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        chat.api.sendOk(tok, 'burst', `burst ${i}`, first.conversation_id),
      ),
    );
    const h = await chat.api.history(tok, 'burst', first.conversation_id);
    expect(h.body.messages).toHaveLength(22);
    expectPairs(h.body.messages);
    const users = h.body.messages.filter((m) => m.role === 'user');
    // Storage order is arrival order: the user messages' receive times never go backwards.
    expect(users.map((m) => m.created_at)).toEqual([...users.map((m) => m.created_at)].sort());
  });

  it('20 concurrent senders to one conversation lose nothing (all 40 messages, pairs intact)', async () => {
    const tok = await token('crowd');
    const conv = 'crowd-conversation';
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => chat.api.send(tok, 'crowd', `sender ${i}`, conv)),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body.warning).toBeUndefined();
    }
    const h = await chat.api.history(tok, 'crowd', conv);
    expect(h.body.messages).toHaveLength(40);
    expectPairs(h.body.messages);
    expect(userContents(h.body).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `sender ${i}`).sort());
    expect(new Set(h.body.messages.map((m) => m.id)).size).toBe(40);
  });

  it('with ETags alone (two instances, no in-process queue) 20 concurrent senders still lose nothing', async () => {
    const opts = { serializeTurns: false };
    const a = await startChat(daprts.httpPort, opts);
    const b = await startChat(daprts.httpPort, opts);
    const txSpy = vi.spyOn(a.client.state, 'transaction');
    try {
      const tok = await token('etag');
      const conv = 'etag-conversation';
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).api.send(tok, 'etag', `etag sender ${i}`, conv)),
      );
      for (const r of results) expect(r.body.warning).toBeUndefined();
      const h = await a.api.history(tok, 'etag', conv);
      expect(h.body.messages).toHaveLength(40);
      expectPairs(h.body.messages);
      expect(userContents(h.body).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `etag sender ${i}`).sort(),
      );
      // The writers did collide: instance A needed more transactions than its ten messages.
      expect(txSpy.mock.calls.length).toBeGreaterThan(10);
    } finally {
      txSpy.mockRestore();
      await a.close();
      await b.close();
    }
  });
});

describe('history size', () => {
  it('a 100-message conversation loads (well under the 500 ms the seed asks for)', async () => {
    const tok = await token('long');
    let conv: string | undefined;
    for (let i = 0; i < 50; i++)
      conv = (await chat.api.sendOk(tok, 'long', `long ${i}`, conv)).conversation_id;
    const started = performance.now();
    const h = await chat.api.history(tok, 'long', conv!);
    const ms = performance.now() - started;
    expect(h.status).toBe(200);
    expect(h.body.messages).toHaveLength(100);
    expectPairs(h.body.messages);
    expect(ms).toBeLessThan(500);
  });

  it('truncates stored history at the cap (200 by default), keeping the most recent', async () => {
    const tok = await token('cap');
    let conv: string | undefined;
    for (let i = 0; i < 105; i++)
      conv = (await chat.api.sendOk(tok, 'cap', `cap ${i}`, conv)).conversation_id;
    const h = await chat.api.history(tok, 'cap', conv!);
    expect(h.body.messages).toHaveLength(200);
    expect(h.body.messages[0].content).toBe('cap 5');
    expect(h.body.messages[199].content).toContain('You said: "cap 104"');
    expectPairs(h.body.messages);
    const list = await chat.api.list(tok, 'cap');
    expect(list.body.conversations[0]).toMatchObject({
      conversation_id: conv,
      message_count: 200,
      title: 'cap 0',
    });
  });

  it('truncates at a configured MAX_MESSAGES', async () => {
    const small = await startChat(daprts.httpPort, { maxMessages: 6, messageWindowSize: 4 });
    try {
      const tok = await token('smallcap');
      let conv: string | undefined;
      for (let i = 0; i < 5; i++)
        conv = (await small.api.sendOk(tok, 'smallcap', `s${i}`, conv)).conversation_id;
      const h = await small.api.history(tok, 'smallcap', conv!);
      expect(userContents(h.body)).toEqual(['s2', 's3', 's4']);
    } finally {
      await small.close();
    }
  });

  it('sends the agent a window of the most recent 50 messages (MESSAGE_WINDOW_SIZE)', async () => {
    const seen: AgentInput[] = [];
    const local = new LocalAgent();
    const recording = { name: 'recording', reply: (i: AgentInput) => (seen.push(i), local.reply(i)) };
    const svc = await startChat(daprts.httpPort, {}, { agent: recording });
    const narrow = await startChat(daprts.httpPort, { messageWindowSize: 6 }, { agent: recording });
    try {
      const tok = await token('window');
      let conv: string | undefined;
      for (let i = 0; i < 30; i++)
        conv = (await svc.api.sendOk(tok, 'window', `w${i}`, conv)).conversation_id;
      seen.length = 0;
      const r = await svc.api.sendOk(tok, 'window', 'one more', conv);
      expect(r.response).toContain('I can see 50 earlier messages');
      const stored = (await svc.api.history(tok, 'window', conv!)).body.messages;
      expect(seen[0].history).toEqual(stored.slice(60 - 50, 60));

      await narrow.api.sendOk(tok, 'window', 'narrow', conv);
      expect(seen[1].history).toHaveLength(6);
      expect(seen[1].history.at(-1)?.content).toContain('You said: "one more"');
    } finally {
      await svc.close();
      await narrow.close();
    }
  });
});

describe('isolation', () => {
  it("user B gets 403 on user A's conversation, and no state is read", async () => {
    const alice = await token('alice');
    const bob = await token('bob');
    const { conversation_id } = await chat.api.sendOk(alice, 'alice', 'private to alice');

    const s = chat.client.state;
    const spies = [
      vi.spyOn(s, 'get'),
      vi.spyOn(s, 'getBulk'),
      vi.spyOn(s, 'save'),
      vi.spyOn(s, 'delete'),
      vi.spyOn(s, 'transaction'),
      vi.spyOn(s, 'query'),
    ];
    try {
      const attempts = [
        await chat.api.history(bob, 'alice', conversation_id),
        await chat.api.send(bob, 'alice', 'let me in', conversation_id),
        await chat.api.list(bob, 'alice'),
        await chat.api.delete(bob, 'alice', conversation_id),
      ];
      for (const r of attempts) expect(r.status).toBe(403);
      // The store refuses a key of another user before any I/O as well.
      await expect(chat.store.getConversation('bob', `chat:alice:${conversation_id}`)).rejects.toThrow(
        ForbiddenError,
      );
      await expect(chat.store.load('bob', `chat:alice:${conversation_id}`)).rejects.toThrow(ForbiddenError);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    // Under his own user id Bob only reaches his own keys: Alice's conversation id is not his.
    expect((await chat.api.history(bob, 'bob', conversation_id)).status).toBe(404);
    expect((await chat.api.list(bob, 'bob')).body.conversations).toEqual([]);
    // Alice's conversation is untouched.
    expect((await chat.api.history(alice, 'alice', conversation_id)).body.messages).toHaveLength(2);
  });

  it('rejects missing, forged and expired tokens (401) and malformed ids (400)', async () => {
    const forged = await token('alice', { secret: 'some-other-secret-0123456789abcdefgh' });
    const expired = await token('alice', { expiresIn: '-1m' });
    const none = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.';
    expect((await chat.api.list('', 'alice')).status).toBe(401);
    expect((await chat.api.list(forged, 'alice')).status).toBe(401);
    expect((await chat.api.list(expired, 'alice')).status).toBe(401);
    expect((await chat.api.list(none, 'alice')).status).toBe(401);
    const colon = await token('ali:ce');
    expect((await chat.api.list(colon, 'ali:ce')).status).toBe(401);

    const alice = await token('alice');
    expect((await chat.api.history(alice, 'alice', 'not:valid')).status).toBe(400);
    expect((await chat.api.send(alice, 'alice', 'x', 'has space')).status).toBe(400);
    expect((await chat.api.send(alice, 'alice', '   ')).status).toBe(400);
  });
});

describe('conversations', () => {
  it('lists a user’s conversations, most recent first, and deletes one', async () => {
    const tok = await token('lister');
    const c1 = (await chat.api.sendOk(tok, 'lister', 'first conversation')).conversation_id;
    const c2 = (await chat.api.sendOk(tok, 'lister', 'second conversation')).conversation_id;
    await chat.api.sendOk(tok, 'lister', 'back to the first', c1);
    let list = (await chat.api.list(tok, 'lister')).body.conversations;
    expect(list.map((c) => c.conversation_id)).toEqual([c1, c2]);
    expect(list[0]).toMatchObject({ title: 'first conversation', message_count: 4 });

    expect((await chat.api.delete(tok, 'lister', c1)).status).toBe(204);
    expect((await chat.api.history(tok, 'lister', c1)).status).toBe(404);
    expect((await chat.api.delete(tok, 'lister', c1)).status).toBe(404);
    list = (await chat.api.list(tok, 'lister')).body.conversations;
    expect(list.map((c) => c.conversation_id)).toEqual([c2]);
  });

  it('answers 502 and stores nothing when the agent fails', async () => {
    const failing = { name: 'failing', reply: () => Promise.reject(new AgentError('model endpoint down')) };
    const svc = await startChat(daprts.httpPort, { logLevel: 'silent' }, { agent: failing });
    try {
      const tok = await token('agentfail');
      const r = await svc.api.send(tok, 'agentfail', 'hello', 'af-1');
      expect(r.status).toBe(502);
      expect(r.body.error).toBe('the assistant is unavailable; try again');
      expect((await svc.api.history(tok, 'agentfail', 'af-1')).status).toBe(404);
      expect((await svc.api.list(tok, 'agentfail')).body.conversations).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('keeps tool calls with the assistant message', async () => {
    const tok = await token('tools');
    const r = await chat.api.sendOk(tok, 'tools', '/search dapr state');
    expect(r.tool_calls).toEqual([{ id: 'call_0', name: 'search', arguments: '{"input":"dapr state"}' }]);
    const h = await chat.api.history(tok, 'tools', r.conversation_id);
    expect(h.body.messages[1].tool_calls).toEqual(r.tool_calls);
    expect(h.body.messages[0].tool_calls).toBeUndefined();
  });
});
