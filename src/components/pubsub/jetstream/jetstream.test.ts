import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '../interface.js';
import { JetStreamPubSub } from './index.js';
import { CREATED_BY } from './streams.js';
import { Collector, sleep, testContext, waitFor } from './testing.js';

const URL = 'nats://127.0.0.1:4222';
const run = `t${randomUUID().slice(0, 8)}`;
let seq = 0;
const uniq = (what: string) => `${run}-${what}-${++seq}`;

let nc: NatsConnection;
let jsm: JetStreamManager;
const open: JetStreamPubSub[] = [];

async function component(
  metadata: Record<string, string> = {},
  appId = uniq('app'),
): Promise<JetStreamPubSub> {
  const c = new JetStreamPubSub(testContext('pubsub.jetstream', { natsURL: URL, ...metadata }, appId));
  await c.init();
  open.push(c);
  return c;
}

const publish = (c: JetStreamPubSub, topic: string, text: string, metadata: Record<string, string> = {}) =>
  c.publish({ topic, data: Buffer.from(text), metadata });

beforeAll(async () => {
  nc = await connect({ servers: URL });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await Promise.allSettled(open.map((c) => c.close()));
  for await (const s of jsm.streams.list()) {
    if (s.config.name.startsWith(run) || s.config.subjects?.some((x) => x.startsWith(run)))
      await jsm.streams.delete(s.config.name);
  }
  await nc.close();
});

describe('pubsub.jetstream', () => {
  it('round-trips data, content type and metadata as headers; creates a stream for an uncaptured subject', async () => {
    const c = await component();
    const topic = uniq('orders');
    const got = new Collector();
    const sub = await c.subscribe({ topic, metadata: {} }, got.handler);
    await c.publish({
      topic,
      data: Buffer.from('{"hello":1}'),
      contentType: 'application/json',
      metadata: { traceparent: '00-abc-def-01', 'cloudevent.id': 'x1', 'Nats-Rollup': 'all' },
    });
    await waitFor(() => got.ok.length === 1);
    const m = got.ok[0];
    expect(m.topic).toBe(topic);
    expect(m.data.toString()).toBe('{"hello":1}');
    expect(m.contentType).toBe('application/json');
    expect(m.metadata).toEqual({ traceparent: '00-abc-def-01', 'cloudevent.id': 'x1', Topic: topic });
    const stream = await jsm.streams.info(await jsm.streams.find(topic));
    expect(stream.config.description).toBe(CREATED_BY);
    expect(stream.state.messages).toBe(1); // Nats-Rollup from metadata was not forwarded
    await sub.close();
  });

  it('delivers 500 messages in publish order, one handler call at a time', async () => {
    const c = await component();
    const topic = uniq('ordered');
    let active = 0;
    let maxActive = 0;
    const seen: number[] = [];
    const sub = await c.subscribe({ topic, metadata: {} }, async (m) => {
      maxActive = Math.max(maxActive, ++active);
      if (seen.length % 50 === 0) await sleep(5);
      seen.push(Number(m.data.toString()));
      active--;
    });
    for (let i = 0; i < 500; i++) await publish(c, topic, String(i));
    await waitFor(() => seen.length === 500, 20_000);
    expect(seen).toEqual([...Array(500).keys()]);
    expect(maxActive).toBe(1);
    await sub.close();
  });

  it('redelivers a rejected message (same data and metadata) and loses nothing', async () => {
    const c = await component();
    const topic = uniq('retry');
    const got = new Collector((m, attempt) => m.data.toString() === 'b' && attempt < 2);
    const sub = await c.subscribe({ topic, metadata: {} }, got.handler);
    for (const t of ['a', 'b', 'c']) await publish(c, topic, t, { k: t });
    await waitFor(() => got.ok.length === 3);
    expect(got.texts('calls').filter((t) => t === 'b')).toHaveLength(3);
    expect(got.texts().sort()).toEqual(['a', 'b', 'c']);
    expect(got.ok.find((m) => m.data.toString() === 'b')?.metadata.k).toBe('b');
    await sub.close();
  });

  it('with maxAckPending 1 a rejected message holds back the next one (strict order)', async () => {
    const c = await component({ maxAckPending: '1' });
    const topic = uniq('strict');
    const got = new Collector((m, attempt) => m.data.toString() === '1' && attempt < 3);
    const sub = await c.subscribe({ topic, metadata: {} }, got.handler);
    for (let i = 0; i < 4; i++) await publish(c, topic, String(i));
    await waitFor(() => got.ok.length === 4);
    expect(got.texts('calls')).toEqual(['0', '1', '1', '1', '1', '2', '3']);
    await sub.close();
  });

  it('waits backOff before redelivering a rejected message', async () => {
    const c = await component({ backOff: '400ms, 800ms' });
    const topic = uniq('backoff');
    const times: number[] = [];
    const sub = await c.subscribe({ topic, metadata: {} }, async () => {
      times.push(Date.now());
      if (times.length < 3) throw new Error('not yet');
    });
    await publish(c, topic, 'x');
    await waitFor(() => times.length === 3, 10_000);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(350);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(750);
    await sub.close();
  });

  it('acks on resolve: nothing comes back after resubscribing', async () => {
    const appId = uniq('app');
    const c = await component({}, appId);
    const topic = uniq('acked');
    const first = new Collector();
    const sub = await c.subscribe({ topic, metadata: {} }, first.handler);
    for (let i = 0; i < 20; i++) await publish(c, topic, String(i));
    await waitFor(() => first.ok.length === 20);
    await sub.close();
    await c.close();
    const again = new Collector();
    const c2 = await component({}, appId);
    const sub2 = await c2.subscribe({ topic, metadata: {} }, again.handler);
    await sleep(1500);
    expect(again.calls).toHaveLength(0);
    const info = await jsm.consumers.info(await jsm.streams.find(topic), `${appId}-${topic}`);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    await sub2.close();
  });

  it('a durable consumer resumes after close with nothing lost (messages published meanwhile)', async () => {
    const c = await component({ durableName: uniq('durable') });
    const topic = uniq('resume');
    const got = new Collector();
    let sub: Subscription = await c.subscribe({ topic, metadata: {} }, got.handler);
    for (let i = 0; i < 10; i++) await publish(c, topic, String(i));
    await waitFor(() => got.ok.length === 10);
    await sub.close();
    for (let i = 10; i < 30; i++) await publish(c, topic, String(i));
    sub = await c.subscribe({ topic, metadata: {} }, got.handler);
    await waitFor(() => got.ok.length === 30);
    expect(got.texts()).toEqual([...Array(30).keys()].map(String));
    await sub.close();
  });

  it('gives each topic its own consumer when one durableName serves several topics', async () => {
    const durableName = uniq('shared');
    const c = await component({ durableName, streamName: uniq('STREAM') });
    const [t1, t2] = [uniq('one'), uniq('two')];
    const a = new Collector();
    const b = new Collector();
    const s1 = await c.subscribe({ topic: t1, metadata: {} }, a.handler);
    const s2 = await c.subscribe({ topic: t2, metadata: {} }, b.handler);
    await publish(c, t1, 'for-1');
    await publish(c, t2, 'for-2');
    await waitFor(() => a.ok.length === 1 && b.ok.length === 1);
    expect(a.texts()).toEqual(['for-1']);
    expect(b.texts()).toEqual(['for-2']);
    const stream = await jsm.streams.info(await jsm.streams.find(t1));
    expect(stream.config.subjects?.sort()).toEqual([t1, t2].sort());
    await s1.close();
    await s2.close();
  });

  it('adds every topic to one streamName when topics are subscribed at once', async () => {
    const c = await component({ streamName: uniq('SHARED') });
    const topics = [...Array(6).keys()].map((i) => uniq(`t${i}`));
    const got = new Collector();
    const subs = await Promise.all(topics.map((topic) => c.subscribe({ topic, metadata: {} }, got.handler)));
    await Promise.all(topics.map((t) => publish(c, t, t)));
    await waitFor(() => got.ok.length === topics.length);
    expect(got.texts().sort()).toEqual([...topics].sort());
    await Promise.all(subs.map((s) => s.close()));
  });

  it('keeps a slow handler’s message (and those waiting) from being redelivered after the ack wait', async () => {
    const c = await component({ ackWait: '1s' });
    const topic = uniq('slow');
    const arrivals: string[] = [];
    const sub = await c.subscribe({ topic, metadata: {} }, async (m) => {
      arrivals.push(m.data.toString());
      if (arrivals.length === 1) await sleep(2500); // 2.5 ack waits, with two messages waiting behind it
    });
    for (let i = 0; i < 3; i++) await publish(c, topic, String(i));
    await waitFor(() => arrivals.length >= 3, 10_000);
    await sleep(1500);
    expect(arrivals).toEqual(['0', '1', '2']);
    await sub.close();
  });

  it('delivers concurrently with concurrency parallel (and takes a heartbeat)', async () => {
    const c = await component({ concurrency: 'parallel', heartbeat: '30s' });
    const topic = uniq('parallel');
    let active = 0;
    let maxActive = 0;
    let done = 0;
    const sub = await c.subscribe({ topic, metadata: {} }, async () => {
      maxActive = Math.max(maxActive, ++active);
      await sleep(50);
      active--;
      done++;
    });
    for (let i = 0; i < 20; i++) await publish(c, topic, String(i));
    await waitFor(() => done === 20);
    expect(maxActive).toBeGreaterThan(1);
    await sub.close();
  });

  it('does not modify a stream it did not create; the error names the subject', async () => {
    const name = uniq('USERSTREAM');
    await jsm.streams.add({ name, subjects: [`${name}.only`] });
    const c = await component({ streamName: name });
    await expect(publish(c, `${name}-other`, 'x')).rejects.toThrow(/does not capture subject/);
    await publish(c, `${name}.only`, 'fine');
  });

  it('ping checks JetStream; a closed component refuses work', async () => {
    const c = await component();
    await c.ping();
    await c.close();
    await expect(publish(c, uniq('closed'), 'x')).rejects.toThrow(/closed/);
  });

  it('fails init clearly when the server cannot be reached', async () => {
    const c = new JetStreamPubSub(testContext('pubsub.jetstream', { natsURL: 'nats://127.0.0.1:1' }));
    await expect(c.init()).rejects.toThrow(/cannot connect/);
  });
});
