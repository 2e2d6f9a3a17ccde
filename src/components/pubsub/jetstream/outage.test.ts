import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { publishAcrossRestart } from '../../../../test/helpers/broker-outage.js';
import { JetStreamPubSub } from './index.js';
import { PrivateServer, sleep, testContext, waitFor } from './testing.js';

const topicFor = (what: string) => `outage-${what}-${randomUUID().slice(0, 8)}`;

describe('pubsub.jetstream outages', () => {
  it('reconnects after a server crash and restart: every acknowledged publish is delivered', async () => {
    await using server = await PrivateServer.nats();
    const url = `nats://127.0.0.1:${server.port}`;
    const c = new JetStreamPubSub(testContext('pubsub.jetstream', { natsURL: url }, 'outage-app'));
    await c.init();
    try {
      const topic = topicFor('crash');
      const delivered = new Map<string, number>();
      const sub = await c.subscribe({ topic, metadata: {} }, async (m) => {
        const k = m.data.toString();
        delivered.set(k, (delivered.get(k) ?? 0) + 1);
      });

      const { confirmed, failed, duplicates } = await publishAcrossRestart({
        publish: (data) => c.publish({ topic, data, metadata: {} }),
        delivered,
        restart: async () => {
          await server.stop('SIGKILL');
          await sleep(1500);
          await server.start();
        },
        beforeWhat: 'crash',
        retryPauseMs: 50,
      });
      // Reported for the record: at-least-once allows some.
      console.info(
        `jetstream outage: ${confirmed.size} confirmed, ${failed} failed publishes, ${duplicates} duplicates`,
      );
      expect(failed).toBeGreaterThan(0); // the outage was real
      await sub.close();
    } finally {
      await c.close();
    }
  }, 90_000);

  it('re-creates a consumer that was deleted under a live subscription', async () => {
    await using server = await PrivateServer.nats();
    const url = `nats://127.0.0.1:${server.port}`;
    const c = new JetStreamPubSub(testContext('pubsub.jetstream', { natsURL: url }, 'recreate-app'));
    await c.init();
    const nc = await connect({ servers: url });
    try {
      const topic = topicFor('deleted');
      const got = new Set<string>();
      const sub = await c.subscribe({ topic, metadata: {} }, async (m) => {
        got.add(m.data.toString());
      });
      await c.publish({ topic, data: Buffer.from('before'), metadata: {} });
      await waitFor(() => got.has('before'));
      const jsm = await jetstreamManager(nc);
      const stream = await jsm.streams.find(topic);
      // nats-server 2.9 sometimes fails the delete while it writes the consumer state ("directory not empty").
      for (let i = 0; ; i++) {
        try {
          await jsm.consumers.delete(stream, `recreate-app-${topic}`);
          break;
        } catch (err) {
          if (i >= 5 || !/directory not empty/.test((err as Error).message)) throw err;
          await sleep(100);
        }
      }
      await sleep(500);
      await c.publish({ topic, data: Buffer.from('after'), metadata: {} });
      await waitFor(() => got.has('after'), 30_000, 'delivery after the consumer was re-created');
      await sub.close();
    } finally {
      await nc.close();
      await c.close();
    }
  }, 60_000);
});
