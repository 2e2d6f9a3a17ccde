import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../diagnostics/logger.js';
import { TEST_PG_URL } from '../../state/postgresql/testing.js';
import { createPool, runQuery, withTransaction } from './pool.js';

describe('the component `timeout` on real statements (QueryWatchdog)', () => {
  const logger = createLogger({ appId: 'test', level: 'silent' });

  it('a statement slower than the timeout fails as a timeout, on the pool and in a transaction; others succeed', async () => {
    const pool = createPool({ connection: { connectionString: TEST_PG_URL }, timeoutMs: 300, logger });
    try {
      let started = performance.now();
      await expect(runQuery(pool, { text: 'SELECT pg_sleep(3)' }, 'sleep')).rejects.toThrow(/timed out/);
      let took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(290);
      expect(took).toBeLessThan(1500);
      // Statements shorter than the timeout, one after another for longer than it, all succeed.
      for (let i = 0; i < 4; i++) {
        const res = await runQuery(pool, { text: 'SELECT pg_sleep(0.1), $1::int AS n', values: [i] }, 'nap');
        expect(res.rows[0][1]).toBe(i);
      }
      started = performance.now();
      await expect(
        withTransaction(pool, async (client) => {
          await runQuery(client, { text: 'SELECT pg_sleep(0.1)' }, 'nap'); // fast: fine
          await runQuery(client, { text: 'SELECT pg_sleep(3)' }, 'sleep');
        }),
      ).rejects.toThrow(/timed out/);
      took = performance.now() - started;
      expect(took).toBeLessThan(1600); // the stuck connection is closed, not rolled back behind the sleep
      expect((await runQuery(pool, { text: 'SELECT 1 + 1' }, 'add')).rows).toEqual([[2]]);
    } finally {
      await pool.end();
    }
  }, 20_000);
});
