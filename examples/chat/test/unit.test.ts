import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { startRuntime, type Runtime } from '../../../src/index.js';
import { createDaprClient } from '../src/app.js';
import { JwtVerifier, UnauthorizedError } from '../src/auth.js';
import { ConfigError, loadConfig } from '../src/config.js';
import {
  appendMessages,
  emptyIndex,
  historyWindow,
  listFromIndex,
  newConversation,
  parseConversation,
  summaryOf,
  titleFrom,
  withSummary,
  MalformedStateError,
  type Message,
} from '../src/conversation.js';
import {
  assertOwnedKey,
  conversationKey,
  ForbiddenError,
  indexKey,
  InvalidKeyError,
  parseConversationKey,
} from '../src/keys.js';
import { KeyedQueue, Semaphore } from '../src/lock.js';
import { Breaker, ConversationStore, WriteContentionError, silentLog } from '../src/store.js';
import { SECRET, testConfig, token } from './harness.js';

const msg = (i: number, role: Message['role'] = i % 2 ? 'assistant' : 'user'): Message => ({
  id: `m${i}`,
  role,
  content: `c${i}`,
  created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
});

describe('keys', () => {
  it('builds, parses and validates chat:{user_id}:{conversation_id}', () => {
    expect(conversationKey('alice', 'c-1')).toBe('chat:alice:c-1');
    expect(indexKey('alice@example.com')).toBe('chat-index:alice@example.com');
    expect(parseConversationKey('chat:u.1:42')).toEqual({ userId: 'u.1', conversationId: '42' });
    for (const bad of ['chat:a:b:c', 'chat::c', 'chat:a:', 'chats:a:b', 'chat:a|b:c', 'chat:a:b/c', 'x'])
      expect(() => parseConversationKey(bad), bad).toThrow(InvalidKeyError);
    expect(() => conversationKey('a:b', 'c')).toThrow(InvalidKeyError);
    expect(() => conversationKey('a', 'c:d')).toThrow(InvalidKeyError);
    expect(() => conversationKey('a', 'x'.repeat(65))).toThrow(InvalidKeyError);
    expect(() => conversationKey('-a', 'c')).toThrow(InvalidKeyError);
  });

  it('accepts only keys of the subject', () => {
    expect(assertOwnedKey('alice', 'chat:alice:c1')).toEqual({ userId: 'alice', conversationId: 'c1' });
    expect(() => assertOwnedKey('bob', 'chat:alice:c1')).toThrow(ForbiddenError);
    expect(() => assertOwnedKey('alice', 'chat:alice:c1:x')).toThrow(InvalidKeyError);
  });
});

describe('conversation', () => {
  it('appends, caps at max keeping the most recent, and dates updated_at', () => {
    let s = newConversation('u', 'c', msg(0).created_at);
    for (let i = 0; i < 7; i += 2) s = appendMessages(s, [msg(i), msg(i + 1)], 5);
    expect(s.messages.map((m) => m.id)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    expect(s.updated_at).toBe(msg(7).created_at);
    expect(s.created_at).toBe(msg(0).created_at);
    expect(s.title).toBe('c0');
  });

  it('windows the history', () => {
    const all = Array.from({ length: 10 }, (_, i) => msg(i));
    expect(historyWindow(all, 3).map((m) => m.id)).toEqual(['m7', 'm8', 'm9']);
    expect(historyWindow(all, 50)).toHaveLength(10);
    expect(historyWindow(all, 0)).toEqual([]);
  });

  it('titles from the first user message', () => {
    expect(titleFrom([{ ...msg(0), content: '  hello\n  world ' }])).toBe('hello world');
    expect(titleFrom([{ ...msg(0), content: 'x'.repeat(200) }])).toHaveLength(80);
  });

  it('keeps the index sorted, drops expired entries', () => {
    const now = Date.parse('2025-03-01T00:00:00Z');
    const day = 86400;
    const conv = (updated: string) => ({ ...newConversation('u', 'x', updated), updated_at: updated });
    const written = (updated: string, daysAgo: number, ttl = 30 * day) =>
      summaryOf(conv(updated), ttl, now - daysAgo * day * 1000);
    let idx = withSummary(emptyIndex('u'), 'a', written('2025-02-27T00:00:00Z', 2), now);
    idx = withSummary(idx, 'b', written('2025-02-28T00:00:00Z', 1), now);
    // Last message long ago, but written (migrated) recently: the TTL runs from the write.
    idx = withSummary(idx, 'migrated', written('2024-01-01T00:00:00Z', 0), now);
    idx = withSummary(idx, 'forever', written('2023-01-01T00:00:00Z', 900, 0), now);
    expect(listFromIndex(idx, now).map((c) => c.conversation_id)).toEqual(['b', 'a', 'migrated', 'forever']);
    expect(idx.conversations.b.expires_at).toBe('2025-03-30T00:00:00.000Z');
    expect(idx.conversations.forever.expires_at).toBeUndefined();
    // 29 days later 'a' and 'b' have expired in the store: the list and the next write drop them.
    const later = now + 29.5 * day * 1000;
    expect(listFromIndex(idx, later).map((c) => c.conversation_id)).toEqual(['migrated', 'forever']);
    idx = withSummary(idx, 'migrated', undefined, later);
    expect(Object.keys(idx.conversations)).toEqual(['forever']);
  });

  it('refuses malformed stored values', () => {
    expect(parseConversation('k', '')).toBeUndefined();
    expect(() => parseConversation('k', 'text')).toThrow(MalformedStateError);
    expect(() => parseConversation('k', { version: 2 })).toThrow(/unknown version/);
    expect(() =>
      parseConversation('k', { version: 1, messages: [{ role: 'robot' }], created_at: '', updated_at: '' }),
    ).toThrow(/bad messages/);
  });
});

describe('config', () => {
  const env = { JWT_SECRET: 's'.repeat(32) };
  it('has the documented defaults', () => {
    const c = loadConfig(env);
    expect(c).toMatchObject({
      messageWindowSize: 50,
      maxMessages: 200,
      conversationTtlSeconds: 30 * 86400,
      stateStore: 'statestore',
      daprHttpPort: '3500',
      agent: 'local',
      serializeTurns: true,
    });
  });
  it('reads the environment and rejects bad values', () => {
    expect(loadConfig({ ...env, MESSAGE_WINDOW_SIZE: '10', MAX_MESSAGES: '20' })).toMatchObject({
      messageWindowSize: 10,
      maxMessages: 20,
    });
    expect(() => loadConfig({})).toThrow(/JWT_SECRET is required/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => loadConfig({ ...env, MAX_MESSAGES: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, MESSAGE_WINDOW_SIZE: '300' })).toThrow(/MESSAGE_WINDOW_SIZE/);
    expect(() => loadConfig({ ...env, AGENT: 'gpt' })).toThrow(/AGENT/);
    expect(() => loadConfig({ ...env, SERIALIZE_TURNS: 'maybe' })).toThrow(/SERIALIZE_TURNS/);
  });
});

describe('KeyedQueue', () => {
  it('runs one key in order, other keys in parallel, and forgets idle keys', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const job = (name: string, ms: number) => () => sleep(ms).then(() => log.push(name));
    await Promise.all([
      q.run('a', job('a1', 30)),
      q.run('a', () => Promise.reject(new Error('boom'))).catch(() => log.push('a2 failed')),
      q.run('a', job('a3', 1)),
      q.run('b', job('b1', 5)),
    ]);
    expect(log).toEqual(['b1', 'a1', 'a2 failed', 'a3']);
    await sleep(0);
    expect(q.size).toBe(0);
  });
});

describe('Semaphore', () => {
  it('lets `limit` through at once and the rest in FIFO order', async () => {
    const sem = new Semaphore(2);
    const order: string[] = [];
    // Each job holds its slot until the test opens its gate: no timing involved.
    const gates = new Map<string, () => void>();
    const job = async (name: string) => {
      const release = await sem.acquire();
      order.push(`start ${name}`);
      await new Promise<void>((open) => gates.set(name, open));
      order.push(`end ${name}`);
      release();
      release(); // a second release is a no-op
    };
    const settle = () => new Promise((r) => setImmediate(r));
    const all = Promise.all([job('a'), job('b'), job('c'), job('d')]);
    await settle();
    expect(sem.inUse).toBe(2);
    expect(sem.queued).toBe(2);
    expect(order).toEqual(['start a', 'start b']);
    gates.get('b')!();
    await settle();
    expect(order).toEqual(['start a', 'start b', 'end b', 'start c']);
    expect(sem.queued).toBe(1);
    gates.get('c')!();
    await settle();
    expect(order.slice(4)).toEqual(['end c', 'start d']);
    gates.get('a')!();
    gates.get('d')!();
    await all;
    expect(sem.inUse).toBe(0);
    expect(sem.queued).toBe(0);
  });
});

describe('JWT', () => {
  const v = new JwtVerifier({ secret: SECRET });
  const secretBytes = new TextEncoder().encode(SECRET);
  it('returns the subject of a valid HS256 token', async () => {
    expect(await v.subject(`Bearer ${await token('alice')}`)).toBe('alice');
  });
  it('rejects the rest with 401', async () => {
    for (const h of [
      undefined,
      '',
      'Basic abc',
      'Bearer',
      `Bearer ${await token('a', { expiresIn: '-1s' })}`,
    ])
      await expect(v.subject(h)).rejects.toThrow(UnauthorizedError);
    const aud = new JwtVerifier({ secret: SECRET, audience: 'chat' });
    await expect(aud.subject(`Bearer ${await token('alice')}`)).rejects.toThrow(/invalid token/);
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .sign(secretBytes);
    await expect(v.subject(`Bearer ${noExp}`)).rejects.toThrow(/invalid token/);
  });
  it('remembers a verified token, never past its exp', async () => {
    const tok = `Bearer ${await token('carol', { expiresIn: '10s' })}`;
    const cached = new JwtVerifier({ secret: SECRET });
    expect(await cached.subject(tok)).toBe('carol');
    expect(await cached.subject(tok)).toBe('carol');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 11_000);
      await expect(cached.subject(tok)).rejects.toThrow(/ERR_JWT_EXPIRED/);
    } finally {
      vi.useRealTimers();
    }
    // A token that failed is not remembered as good, and a forged one never enters.
    const forged = `Bearer ${await token('carol', { secret: 'another-secret-0123456789abcdefghij' })}`;
    await expect(cached.subject(forged)).rejects.toThrow(UnauthorizedError);
    await expect(cached.subject(forged)).rejects.toThrow(UnauthorizedError);
  });
});

describe('Breaker', () => {
  it('opens for the retry interval after a failure and closes on success', async () => {
    const b = new Breaker(30);
    expect(b.open).toBe(false);
    b.failure();
    expect(b.open).toBe(true);
    await sleep(40);
    expect(b.open).toBe(false);
    b.failure();
    b.success();
    expect(b.open).toBe(false);
  });
});

describe('ConversationStore writes (in-process daprts, state.in-memory)', () => {
  let rt: Runtime;
  let store: ConversationStore;

  beforeAll(async () => {
    rt = await startRuntime({
      appId: 'chat-unit',
      components: [{ name: 'statestore', type: 'state.in-memory' }],
    });
    const cfg = testConfig(rt.httpPort, { appendMaxAttempts: 3 });
    store = new ConversationStore(createDaprClient(cfg, silentLog), cfg);
  });
  afterAll(async () => {
    await rt.close();
  });

  it('does not append twice when a write landed but its answer was lost', async () => {
    const key = 'chat:unit:ambiguous';
    const real = store.client.state.transaction.bind(store.client.state);
    const tx = vi.spyOn(store.client.state, 'transaction').mockImplementationOnce(async (...a) => {
      await real(...a);
      throw new Error('socket hang up');
    });
    try {
      const stored = await store.append('unit', key, [msg(0), msg(1)]);
      expect(stored.messages.map((m) => m.id)).toEqual(['m0', 'm1']);
      expect(tx).toHaveBeenCalledTimes(1);
    } finally {
      tx.mockRestore();
    }
    const again = await store.getConversation('unit', key);
    expect(again?.messages.map((m) => m.id)).toEqual(['m0', 'm1']);
  });

  it('indexes an existing conversation it did not write, with the expiry the store reports', async () => {
    const state = appendMessages(newConversation('unit', 'found', msg(0).created_at), [msg(0), msg(1)], 200);
    await rt.state.save('statestore', [
      { key: 'chat:unit:found', value: state, metadata: { ttlInSeconds: '100' } },
    ]);
    const result = await store.create(state);
    expect(result).toMatchObject({ created: false, indexed: true });
    const index = await store.getIndex('unit');
    const expires = Date.parse(index!.conversations.found.expires_at!);
    expect(Math.abs(expires - (Date.now() + 100_000))).toBeLessThan(5000);
    // Already indexed: nothing to do the second time.
    expect(await store.create(state)).toMatchObject({ created: false, indexed: false });
  });

  it('gives up after the configured attempts when every write collides', async () => {
    const key = 'chat:unit:contended';
    const tx = vi
      .spyOn(store.client.state, 'transaction')
      .mockRejectedValue(new Error(JSON.stringify({ status: 500, error_msg: 'possible etag mismatch' })));
    try {
      await expect(store.append('unit', key, [msg(0)])).rejects.toThrow(WriteContentionError);
      expect(tx).toHaveBeenCalledTimes(3);
    } finally {
      tx.mockRestore();
    }
  });

  it('does not retry a write the runtime rejects as invalid (4xx)', async () => {
    const tx = vi
      .spyOn(store.client.state, 'transaction')
      .mockRejectedValue(new Error(JSON.stringify({ status: 413, error_msg: 'too large' })));
    try {
      await expect(store.append('unit', 'chat:unit:big', [msg(0)])).rejects.toThrow(/rejected: HTTP 413/);
      expect(tx).toHaveBeenCalledTimes(1);
    } finally {
      tx.mockRestore();
    }
  });
});
