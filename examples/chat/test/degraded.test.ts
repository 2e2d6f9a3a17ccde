import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DaprtsProcess } from '../../../test/helpers/daprts-process.js';
import { PrivatePostgres } from '../../../test/helpers/private-servers.js';
import { WARNINGS } from '../src/service.js';
import { startChat, startDaprts, token, type RunningChat } from './harness.js';

/**
 * Degraded mode: daprts on a PostgreSQL of this test's own, which the test stops and starts. While
 * it is down the chat still answers (without history, with a `warning`); when it is back the service
 * uses it again by itself.
 */

let pg: PrivatePostgres;
let daprts: DaprtsProcess;
let chat: RunningChat;
/** The breaker's retry interval: long enough that the second request below surely finds it open. */
const RETRY_MS = 1500;

beforeAll(async () => {
  pg = await PrivatePostgres.start();
  daprts = await startDaprts({
    connectionString: pg.connectionString,
    table: 'chat_state',
    timeoutInSeconds: 5,
  });
  chat = await startChat(daprts.httpPort, { degradedRetryMs: RETRY_MS, stateTimeoutMs: 2000 });
});

const health = async () => ((await (await fetch(`${chat.url}/healthz`)).json()) as { state: string }).state;

afterAll(async () => {
  await chat?.close();
  await daprts?.[Symbol.asyncDispose]();
  await pg?.[Symbol.asyncDispose]();
});

describe('degraded mode', () => {
  it('answers without history while the state store is down, and recovers by itself', async () => {
    const tok = await token('dora');
    const conv = (await chat.api.sendOk(tok, 'dora', 'before the outage')).conversation_id;
    await chat.api.sendOk(tok, 'dora', 'still before', conv);

    await pg.stopServer();
    try {
      const during = await chat.api.send(tok, 'dora', 'during the outage', conv);
      expect(during.status).toBe(200);
      expect(during.body).toMatchObject({
        conversation_id: conv,
        response: 'You said: "during the outage". I can see 0 earlier messages.',
        warning: WARNINGS.unavailable,
      });
      // While the breaker is open the answer comes at once, without waiting on the store.
      const t0 = Date.now();
      const fast = await chat.api.send(tok, 'dora', 'again during', conv);
      expect(fast.body.warning).toBe(WARNINGS.unavailable);
      expect(Date.now() - t0).toBeLessThan(500);

      const h = await chat.api.history(tok, 'dora', conv);
      expect(h.status).toBe(503);
      expect(h.body.warning).toBeTruthy();
      expect((await chat.api.list(tok, 'dora')).status).toBe(503);
      expect(await health()).toBe('degraded');
    } finally {
      await pg.startServer();
    }

    // No restart of anything: the next requests find the store again.
    let after = await chat.api.send(tok, 'dora', 'after the outage', conv);
    for (let i = 0; after.body.warning && i < 50; i++) {
      await sleep(200);
      after = await chat.api.send(tok, 'dora', 'after the outage', conv);
    }
    expect(after.status).toBe(200);
    expect(after.body.warning).toBeUndefined();
    // The history from before the outage is there; what was said during it was not stored.
    expect(after.body.response).toBe('You said: "after the outage". I can see 4 earlier messages.');
    const h = await chat.api.history(tok, 'dora', conv);
    expect(h.body.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'before the outage',
      'still before',
      'after the outage',
    ]);
    expect(await health()).toBe('ok');
  });

  it('says so when the answer could not be saved (the store fails between read and write)', async () => {
    const tok = await token('dora');
    const conv = (await chat.api.sendOk(tok, 'dora', 'saved')).conversation_id;
    const down = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1'));
    const state = chat.client.state;
    const realGetBulk = state.getBulk.bind(state);
    let reads = 0;
    // The first read works; the write and the re-read that follows it fail.
    const getBulk = vi
      .spyOn(state, 'getBulk')
      .mockImplementation((...a: Parameters<typeof realGetBulk>) =>
        ++reads === 1 ? realGetBulk(...a) : down(),
      );
    const tx = vi.spyOn(state, 'transaction').mockImplementation(down);
    try {
      const r = await chat.api.send(tok, 'dora', 'not saved', conv);
      expect(r.status).toBe(200);
      expect(r.body.warning).toBe(WARNINGS.notSaved);
      expect(r.body.response).toContain('not saved');
      expect(tx).toHaveBeenCalledTimes(1);
    } finally {
      tx.mockRestore();
      getBulk.mockRestore();
    }
    await sleep(RETRY_MS + 100); // the breaker's retry interval
    const h = await chat.api.history(tok, 'dora', conv);
    expect(h.body.messages.map((m) => m.content)).not.toContain('not saved');
  });
});
