import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivatePostgres } from '../../../../test/helpers/private-servers.js';
import type { PostgresStateStore } from './base.js';
import { pgTestContext } from './testing.js';
import { PostgresStateStoreV1 } from './v1/index.js';
import { PostgresStateStoreV2 } from './v2/index.js';

/**
 * The database stops and starts under a live store (Dapr's postgres certification "DB stop/start"):
 * calls fail while it is down, with a translated error, and work again once it is back, with no
 * restart of the store and no process crash from the pool's dropped idle connections.
 */
let server: PrivatePostgres;
let stores: PostgresStateStore[] = [];

beforeAll(async () => {
  server = await PrivatePostgres.start();
  const meta = { connectionString: server.connectionString, timeout: '2s', cleanupInterval: '0' };
  // v1's default table `state` is v2's with no prefix, and the two layouts cannot share a table.
  stores = [
    new PostgresStateStoreV1(pgTestContext(meta)),
    new PostgresStateStoreV2(pgTestContext({ ...meta, tablePrefix: 'v2_' }, 'v2')),
  ];
  for (const s of stores) await s.init();
}, 60_000);

afterAll(async () => {
  for (const s of stores) await s.close();
  await server?.[Symbol.asyncDispose]();
});

describe('state.postgresql with the database stopped and started', () => {
  it('fails while the database is down and recovers when it is back', async () => {
    const base = { metadata: {}, options: {} };
    for (const s of stores) await s.set({ key: 'k', value: Buffer.from('"before"'), ...base });
    await server.stopServer();
    for (const s of stores) {
      const err = await s.get({ key: 'k', metadata: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/^failed to get state: /);
      expect((err as Error).cause).toBeDefined();
      await expect(s.ping()).rejects.toThrow(/failed to ping the database/);
    }
    await server.startServer();
    for (const s of stores) {
      expect((await s.get({ key: 'k', metadata: {} }))?.data.toString()).toBe('"before"');
      await s.set({ key: 'k', value: Buffer.from('"after"'), ...base });
      expect((await s.get({ key: 'k', metadata: {} }))?.data.toString()).toBe('"after"');
    }
  }, 60_000);
});
