import { describe, expect, it } from 'vitest';
import { publishAcrossRestart } from '../../../../test/helpers/broker-outage.js';
import { PrivateServer, sleep, testContext, waitFor } from '../jetstream/testing.js';
import { Mqtt3PubSub } from './index.js';

describe('pubsub.mqtt3 outages', () => {
  it('reconnects after a broker restart: every acknowledged publish is delivered (persistent session)', async () => {
    await using broker = await PrivateServer.mosquitto();
    const url = `tcp://127.0.0.1:${broker.port}`;
    const sub = new Mqtt3PubSub(testContext('pubsub.mqtt3', { url, consumerID: 'outage-sub' }));
    const pub = new Mqtt3PubSub(testContext('pubsub.mqtt3', { url, consumerID: 'outage-pub' }));
    await sub.init();
    await pub.init();
    try {
      const topic = 'outage/steady';
      const delivered = new Map<string, number>();
      const s = await sub.subscribe({ topic, metadata: {} }, async (m) => {
        const k = m.data.toString();
        delivered.set(k, (delivered.get(k) ?? 0) + 1);
        await sleep(1); // a handler that takes a moment, so some messages are in flight at the stop
      });

      const { confirmed, failed, duplicates } = await publishAcrossRestart({
        publish: (data) => pub.publish({ topic, data, metadata: {} }),
        delivered,
        restart: async () => {
          await broker.stop('SIGTERM'); // mosquitto saves sessions and queued messages
          await sleep(1500);
          await broker.start();
        },
        beforeWhat: 'stop',
      });
      console.info(
        `mqtt3 outage: ${confirmed.size} confirmed, ${failed} failed publishes, ${duplicates} duplicates`,
      );
      expect(confirmed.size).toBeGreaterThanOrEqual(200);
      await s.close();
    } finally {
      await sub.close();
      await pub.close();
    }
  }, 90_000);

  it('still delivers the messages it holds when the broker lost the session (crash without saved state)', async () => {
    await using broker = await PrivateServer.mosquitto();
    const url = `tcp://127.0.0.1:${broker.port}`;
    const sub = new Mqtt3PubSub(testContext('pubsub.mqtt3', { url, consumerID: 'crash-sub' }));
    const pub = new Mqtt3PubSub(testContext('pubsub.mqtt3', { url, consumerID: 'crash-pub' }));
    await sub.init();
    await pub.init();
    try {
      const topic = 'outage/crash';
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const got: string[] = [];
      await sub.subscribe({ topic, metadata: {} }, async (m) => {
        await gate;
        got.push(m.data.toString());
      });
      for (let i = 0; i < 5; i++) await pub.publish({ topic, data: Buffer.from(String(i)), metadata: {} });
      await sleep(200); // all five received, none acked: the first handler call waits on the gate
      await broker.stop('SIGKILL');
      await broker.start(); // no saved state: the session is gone
      await sleep(1500); // reconnected without a session
      release();
      await waitFor(() => got.length === 5, 10_000, 'the held messages');
      expect(got).toEqual(['0', '1', '2', '3', '4']);
    } finally {
      await sub.close();
      await pub.close();
    }
  }, 60_000);
});
