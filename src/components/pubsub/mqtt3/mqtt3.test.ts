import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { Collector, sleep, testContext, waitFor } from '../jetstream/testing.js';
import { Mqtt3PubSub } from './index.js';

const URL = 'tcp://127.0.0.1:1883';
const run = `daprts-${randomUUID().slice(0, 8)}`;
let seq = 0;
const uniq = (what: string) => `${run}/${what}-${++seq}`;
const open: Mqtt3PubSub[] = [];
const clientIds = new Set<string>();

async function component(
  clientId = `${run}-${++seq}`,
  metadata: Record<string, string> = {},
): Promise<Mqtt3PubSub> {
  clientIds.add(clientId);
  const c = new Mqtt3PubSub(testContext('pubsub.mqtt3', { url: URL, consumerID: clientId, ...metadata }));
  await c.init();
  open.push(c);
  return c;
}

const publish = (c: Mqtt3PubSub, topic: string, text: string, metadata: Record<string, string> = {}) =>
  c.publish({ topic, data: Buffer.from(text), metadata });

afterAll(async () => {
  // Leave no persistent sessions behind on the shared broker.
  await Promise.allSettled(open.map((c) => c.close()));
  for (const clientId of clientIds) {
    const c = await mqtt.connectAsync(URL.replace('tcp:', 'mqtt:'), {
      clientId,
      clean: true,
      protocolVersion: 4,
    });
    await c.endAsync();
  }
});

describe('pubsub.mqtt3', () => {
  it('round-trips a message; MQTT 3 carries no metadata, only the retained flag comes back', async () => {
    const sub = await component();
    const pub = await component();
    const topic = uniq('orders');
    const got = new Collector();
    const s = await sub.subscribe({ topic, metadata: {} }, got.handler);
    await pub.publish({ topic, data: Buffer.from('hello'), contentType: 'text/plain', metadata: { k: 'v' } });
    await waitFor(() => got.ok.length === 1);
    expect(got.ok[0].topic).toBe(topic);
    expect(got.ok[0].data.toString()).toBe('hello');
    expect(got.ok[0].metadata).toEqual({ retained: 'false' });
    expect(sub.features()).toContain('SUBSCRIBE_WILDCARDS');
    await s.close();
  });

  it('delivers 500 messages in publish order, one handler call at a time', async () => {
    const sub = await component();
    const pub = await component();
    const topic = uniq('ordered');
    let active = 0;
    let maxActive = 0;
    const seen: number[] = [];
    const s = await sub.subscribe({ topic, metadata: {} }, async (m) => {
      maxActive = Math.max(maxActive, ++active);
      if (seen.length % 50 === 0) await sleep(5);
      seen.push(Number(m.data.toString()));
      active--;
    });
    await Promise.all([...Array(500).keys()].map((i) => publish(pub, topic, String(i))));
    await waitFor(() => seen.length === 500, 20_000);
    expect(seen).toEqual([...Array(500).keys()]);
    expect(maxActive).toBe(1);
    await s.close();
  });

  it('retries a rejected message in-process, in order, and loses nothing', async () => {
    const sub = await component();
    const pub = await component();
    const topic = uniq('retry');
    const got = new Collector((m, attempt) => m.data.toString() === 'b' && attempt < 2);
    const s = await sub.subscribe({ topic, metadata: {} }, got.handler);
    for (const t of ['a', 'b', 'c']) await publish(pub, topic, t);
    await waitFor(() => got.ok.length === 3, 5_000);
    expect(got.texts('calls')).toEqual(['a', 'b', 'b', 'b', 'c']);
    await s.close();
  });

  it('a bulk subscription runs up to its batch size of handler calls at once, in arrival order, and no more', async () => {
    const sub = await component();
    const pub = await component();
    const topic = uniq('window');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let active = 0;
    let maxActive = 0;
    const started: string[] = [];
    const s = await sub.subscribe({ topic, metadata: {}, batchSize: 5 }, async (m) => {
      started.push(m.data.toString());
      maxActive = Math.max(maxActive, ++active);
      await gate;
      active--;
    });
    try {
      for (let i = 0; i < 12; i++) await publish(pub, topic, String(i));
      await waitFor(() => active === 5, 5_000, 'five calls at once');
      await sleep(300); // the other seven have arrived by now: none of them starts
      expect(started).toEqual(['0', '1', '2', '3', '4']);
      release();
      await waitFor(() => started.length === 12 && active === 0, 5_000);
      expect(started).toEqual([...Array(12).keys()].map(String));
      expect(maxActive).toBe(5);
      expect(sub.handlerWindow({ topic, metadata: {}, batchSize: 5 })).toBe(5); // what bulk batches fill to
      expect(sub.handlerWindow({ topic, metadata: {} })).toBe(1);
    } finally {
      release(); // a failed check must not leave a handler call hanging
    }
    await s.close();
  });

  it('a bulk window acks in arrival order: a retried head holds back the window and the acks behind it', async () => {
    const clientId = `${run}-window-acks`;
    const sub = await component(clientId);
    const pub = await component();
    const topic = uniq('window-acks');
    let headOk = false;
    const got = new Collector((m) => m.data.toString() === '0' && !headOk);
    const s = await sub.subscribe({ topic, metadata: {}, batchSize: 3 }, got.handler);
    for (let i = 0; i < 6; i++) await publish(pub, topic, String(i));
    // 1 and 2 resolve at once, 0 keeps being retried: the window stays on 0..2.
    await waitFor(() => got.ok.length === 2 && got.calls.length >= 5, 5_000, 'the head retried');
    await sleep(300);
    expect(got.texts()).toEqual(['1', '2']);
    expect(new Set(got.texts('calls'))).toEqual(new Set(['0', '1', '2']));

    // Drop the connection: the resumed session gets back every message not acked. 1 and 2 come
    // again, so they were not acked before their head.
    const client = (sub as unknown as { client: MqttClient }).client;
    client.stream.destroy();
    await waitFor(() => !client.connected, 5_000, 'the connection to drop');
    headOk = true;
    await waitFor(() => got.ok.length === 8, 10_000, 'the redelivered messages');
    await sleep(300);
    expect(got.texts()).toEqual(['1', '2', '0', '1', '2', '3', '4', '5']);
    await s.close();
  });

  it('closing a bulk window hands back, in order, what was not processed, and acks what was', async () => {
    const c = await component();
    const pub = await component();
    const topic = uniq('window-close');
    const first = new Collector((m) => m.data.toString() === '0');
    const s = await c.subscribe({ topic, metadata: {}, batchSize: 3 }, first.handler);
    for (let i = 0; i < 6; i++) await publish(pub, topic, String(i));
    await waitFor(() => first.ok.length === 2 && first.calls.length >= 4, 5_000, 'the head retried');
    await s.close();
    expect(first.texts()).toEqual(['1', '2']);

    // The next subscription of the filter gets the parked messages: 1 and 2 were acked, not parked.
    const second = new Collector();
    const s2 = await c.subscribe({ topic, metadata: {}, batchSize: 3 }, second.handler);
    await waitFor(() => second.ok.length === 4, 5_000, 'the parked messages');
    await sleep(300);
    expect(second.texts()).toEqual(['0', '3', '4', '5']);
    // A resumed session brings back nothing: all six were acked.
    const client = (c as unknown as { client: MqttClient }).client;
    client.stream.destroy();
    await waitFor(() => !client.connected, 5_000, 'the connection to drop');
    await waitFor(() => client.connected, 5_000, 'the reconnection');
    await sleep(300);
    expect(second.texts()).toEqual(['0', '3', '4', '5']);
    await s2.close();
  });

  it('acks only after the handler resolved: an unacked message comes back on the next session, an acked one does not', async () => {
    const clientId = `${run}-acks`;
    const topic = uniq('acks');
    const pub = await component();
    let sub = await component(clientId);
    const first = new Collector((m) => m.data.toString() === 'never-acked');
    await sub.subscribe({ topic, metadata: {} }, first.handler);
    await publish(pub, topic, 'acked');
    await publish(pub, topic, 'never-acked');
    await waitFor(() => first.ok.length === 1 && first.calls.length >= 2);
    await sub.close();

    sub = await component(clientId);
    const second = new Collector();
    await sub.subscribe({ topic, metadata: {} }, second.handler);
    await waitFor(() => second.ok.length === 1);
    await sleep(500);
    expect(second.texts()).toEqual(['never-acked']);
    await sub.close();
  });

  it('delivers messages published while the subscriber was offline when its persistent session resumes', async () => {
    const clientId = `${run}-offline`;
    const topic = uniq('offline');
    const pub = await component();
    let sub = await component(clientId);
    const got = new Collector();
    await sub.subscribe({ topic, metadata: {} }, got.handler);
    await publish(pub, topic, 'online');
    await waitFor(() => got.ok.length === 1);
    await sub.close();
    for (let i = 0; i < 30; i++) await publish(pub, topic, `offline-${i}`);
    sub = await component(clientId);
    await sleep(200); // the broker sends the session's messages before we subscribe again: they wait
    await sub.subscribe({ topic, metadata: {} }, got.handler);
    await waitFor(() => got.ok.length === 31);
    expect(got.texts()).toEqual(['online', ...[...Array(30).keys()].map((i) => `offline-${i}`)]);
    await sub.close();
  });

  it('matches wildcard subscriptions and hands back the concrete topic', async () => {
    const sub = await component();
    const pub = await component();
    const base = uniq('wild');
    const got = new Collector();
    const s = await sub.subscribe({ topic: `${base}/+/created`, metadata: {} }, got.handler);
    await publish(pub, `${base}/orders/created`, 'x');
    await publish(pub, `${base}/orders/deleted`, 'ignored');
    await publish(pub, `${base}/users/created`, 'y');
    await waitFor(() => got.ok.length === 2);
    expect(got.ok.map((m) => m.topic)).toEqual([`${base}/orders/created`, `${base}/users/created`]);
    await s.close();
  });

  it('a slow or publishing handler does not hold up the connection (other topics, its own publishes)', async () => {
    const c = await component();
    const [slowTopic, fastTopic, echoTopic] = [uniq('slow'), uniq('fast'), uniq('echo')];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fast = new Collector();
    const echoed = new Collector();
    await c.subscribe({ topic: slowTopic, metadata: {} }, () => gate);
    await c.subscribe({ topic: fastTopic, metadata: {} }, async (m) => {
      await publish(c, echoTopic, `echo-${m.data.toString()}`); // publish from inside a handler
      await fast.handler(m);
    });
    await c.subscribe({ topic: echoTopic, metadata: {} }, echoed.handler);
    await publish(c, slowTopic, 'blocked');
    for (let i = 0; i < 5; i++) await publish(c, fastTopic, String(i));
    await waitFor(() => fast.ok.length === 5 && echoed.ok.length === 5, 5_000);
    release();
  });

  it('validates retain publish metadata and refuses work once closed', async () => {
    const c = await component();
    await expect(publish(c, uniq('x'), 'x', { retain: 'maybe' })).rejects.toThrow(/invalid retain/);
    await c.ping();
    await c.close();
    await expect(publish(c, uniq('x'), 'x')).rejects.toThrow(/closed/);
  });

  it('fails init clearly when the broker cannot be reached', async () => {
    const c = new Mqtt3PubSub(
      testContext('pubsub.mqtt3', { url: 'tcp://127.0.0.1:1', consumerID: 'nobody' }),
    );
    await expect(c.init()).rejects.toThrow(/cannot connect/);
  });
});
