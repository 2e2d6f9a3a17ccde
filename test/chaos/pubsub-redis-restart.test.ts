import { describe, expect, it } from 'vitest';
import { startRuntime } from '../../src/index.js';
import { PrivateRedis } from '../helpers/private-servers.js';
import { TestApp } from '../conformance/pubsub/test-app.js';

/**
 * A steady publish through daprts while the Redis behind `pubsub.redis` is killed and restarted:
 * every publish that returned 204 must be delivered at least once; duplicates are counted and
 * reported (at-least-once allows them).
 */
describe('chaos: Redis Streams broker restart under steady publishing', () => {
  it('delivers every acknowledged publish', async () => {
    await using redis = await PrivateRedis.start({ persist: true });
    const app = new TestApp([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]);
    const appPort = await app.start();
    const rt = await startRuntime({
      appId: 'chaos-sub',
      logLevel: 'info',
      appPort,
      components: [
        {
          name: 'pubsub',
          type: 'pubsub.redis',
          metadata: { redisHost: redis.host, processingTimeout: '2s', redeliverInterval: '1s' },
        },
      ],
    });
    try {
      for (let i = 0; i < 200 && (await fetch(`${rt.httpUrl}/v1.0/healthz`)).status !== 204; i++)
        await new Promise((r) => setTimeout(r, 25));
      const acked: number[] = [];
      let failed = 0;
      let n = 0;
      const publishOne = async () => {
        const i = n++;
        try {
          const res = await fetch(`${rt.httpUrl}/v1.0/publish/pubsub/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ n: i }),
          });
          if (res.status === 204) acked.push(i);
          else failed++;
        } catch {
          failed++;
        }
      };
      // Sized by time and outcome, not by count, so a slow machine still covers before, during and after.
      let restarted = false;
      const outage = (async () => {
        await new Promise((r) => setTimeout(r, 700));
        await redis.stopServer();
        await new Promise((r) => setTimeout(r, 1000));
        await redis.startServer();
        restarted = true;
      })();
      let ackedAtRestart = -1;
      const deadline = Date.now() + 60_000;
      // Steady flow, 10 in flight at a time, until 300 publishes were acknowledged after the restart.
      while (Date.now() < deadline) {
        await Promise.all(Array.from({ length: 10 }, publishOne));
        if (restarted && ackedAtRestart < 0) ackedAtRestart = acked.length;
        if (ackedAtRestart >= 0 && acked.length - ackedAtRestart >= 300) break;
      }
      await outage;
      const total = n;
      const deliveredOf = () => new Set(app.on('/orders').map((d) => (d.body.data as { n: number }).n));
      await app.waitFor(() => acked.every((n) => deliveredOf().has(n)), 60_000, 'every acknowledged message');
      const delivered = deliveredOf();
      const duplicates = app.on('/orders').length - delivered.size;
      console.log(
        `chaos redis: published ${total}, acknowledged ${acked.length}, refused during the outage ${failed}, delivered ${delivered.size}, duplicates ${duplicates}`,
      );
      expect(failed).toBeGreaterThan(0); // the outage really happened
      expect(ackedAtRestart).toBeGreaterThan(0); // publishes were acknowledged before the outage
      expect(acked.length - ackedAtRestart).toBeGreaterThanOrEqual(300); // and again after the restart
      for (const n of acked) expect(delivered.has(n)).toBe(true);
    } finally {
      await rt.close();
      await app.close();
    }
  }, 120_000);
});
