import { afterAll, describe, expect, it } from 'vitest';
import { componentsUnderTest, isRegistered, runId } from './components.js';
import { publish, sleep, startPublisher, startSubscriber, topic } from './harness.js';

/**
 * Every pub/sub component through the runtime, with the same cases (Dapr's conformance suite in
 * intent, plus the delivery semantics daprts promises on every broker: retries by policy, exact
 * call counts, dead letters, nothing acknowledged lost across a subscriber restart).
 */
describe.each(componentsUnderTest())('pub/sub conformance: $name', (c) => {
  afterAll(async () => c.teardown?.());
  const appId = (s: string) => `conf-${c.name}-${runId}-${s}`;

  it('is registered', () => {
    expect(isRegistered(c.type)).toBe(true);
  });

  it('delivers every message once as a CloudEvent with Dapr headers (in order where the broker orders)', async () => {
    const t = topic('basic');
    const s = await startSubscriber(c, {
      appId: appId('basic'),
      subscriptions: [{ pubsubname: 'pubsub', topic: t, route: '/basic' }],
    });
    try {
      for (let i = 0; i < 20; i++)
        expect(await publish(s.rt, t, { seq: i }, 'application/json', c.orderedPublishMetadata)).toBe(204);
      await s.app.waitFor(() => new Set(s.app.on('/basic').map((d) => d.body.id)).size === 20);
      const first = new Map<unknown, number>();
      for (const d of s.app.on('/basic'))
        if (!first.has(d.body.id)) first.set(d.body.id, (d.body.data as { seq: number }).seq);
      const order = [...first.values()];
      if (c.ordered) expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(new Set(order).size).toBe(20);
      const d = s.app.on('/basic')[0];
      expect(d.headers['content-type']).toBe('application/cloudevents+json');
      expect(d.headers.pubsubname).toBe('pubsub');
      expect(d.body).toMatchObject({
        specversion: '1.0',
        type: 'com.dapr.event.sent',
        source: appId('basic'),
        topic: t,
        pubsubname: 'pubsub',
        datacontenttype: 'application/json',
      });
    } finally {
      await s.close();
    }
  });

  it('routes by rules and serves several topics at once', async () => {
    const [t1, t2] = [topic('multi-a'), topic('multi-b')];
    const s = await startSubscriber(c, {
      appId: appId('multi'),
      subscriptions: [
        {
          pubsubname: 'pubsub',
          topic: t1,
          routes: { rules: [{ match: 'event.data.kind == "even"', path: '/even' }], default: '/odd' },
        },
        { pubsubname: 'pubsub', topic: t2, route: '/second' },
      ],
    });
    try {
      for (let i = 0; i < 10; i++) await publish(s.rt, t1, { kind: i % 2 === 0 ? 'even' : 'odd', i });
      for (let i = 0; i < 5; i++) await publish(s.rt, t2, { i });
      await s.app.waitFor(
        () => s.app.on('/even').length + s.app.on('/odd').length >= 10 && s.app.on('/second').length >= 5,
      );
      expect(s.app.on('/even').every((d) => (d.body.data as { kind: string }).kind === 'even')).toBe(true);
      expect(new Set(s.app.on('/even').map((d) => d.body.id)).size).toBe(5);
      expect(new Set(s.app.on('/odd').map((d) => d.body.id)).size).toBe(5);
    } finally {
      await s.close();
    }
  });

  it('RETRY redelivers the same event id', async () => {
    const t = topic('retry');
    const s = await startSubscriber(c, {
      appId: appId('retry'),
      maxRetries: 3,
      subscriptions: [{ pubsubname: 'pubsub', topic: t, route: '/r' }],
    });
    const seen = new Set<unknown>();
    s.app.respond = (d) => {
      const first = !seen.has(d.body.id);
      seen.add(d.body.id);
      return { status: 200, body: { status: first ? 'RETRY' : 'SUCCESS' } };
    };
    try {
      for (let i = 0; i < 3; i++) await publish(s.rt, t, { i });
      await s.app.waitFor(() => s.app.on('/r').length >= 6);
      await sleep(300);
      const counts = new Map<unknown, number>();
      for (const d of s.app.on('/r')) counts.set(d.body.id, (counts.get(d.body.id) ?? 0) + 1);
      expect([...counts.values()]).toEqual([2, 2, 2]);
    } finally {
      await s.close();
    }
  });

  it('maxRetries: 4 calls the app exactly 5 times, then the message lands on the dead-letter topic with its topic kept', async () => {
    const [t, dlq] = [topic('exhaust'), topic('exhaust-dlq')];
    const s = await startSubscriber(c, {
      appId: appId('exhaust'),
      maxRetries: 4,
      subscriptions: [
        { pubsubname: 'pubsub', topic: t, route: '/fail', deadLetterTopic: dlq },
        { pubsubname: 'pubsub', topic: dlq, route: '/dlq' },
      ],
    });
    s.app.respond = (d) => (d.path === '/fail' ? { status: 500 } : { status: 200 });
    try {
      await publish(s.rt, t, { poison: true });
      await s.app.waitFor(() => s.app.on('/dlq').length >= 1);
      await sleep(1500);
      expect(s.app.on('/fail')).toHaveLength(5);
      expect(s.app.on('/dlq')).toHaveLength(1);
      expect(s.app.on('/dlq')[0].body).toMatchObject({
        topic: t,
        data: { poison: true },
        id: s.app.on('/fail')[0].body.id,
      });
    } finally {
      await s.close();
    }
  });

  it('DROP acks the message and sends it to the dead-letter topic, with no retry', async () => {
    const [t, dlq] = [topic('drop'), topic('drop-dlq')];
    const s = await startSubscriber(c, {
      appId: appId('drop'),
      maxRetries: 3,
      subscriptions: [
        { pubsubname: 'pubsub', topic: t, route: '/drop', deadLetterTopic: dlq },
        { pubsubname: 'pubsub', topic: dlq, route: '/dlq' },
      ],
    });
    s.app.respond = (d) => (d.path === '/drop' ? { status: 200, body: { status: 'DROP' } } : { status: 200 });
    try {
      await publish(s.rt, t, { x: 1 });
      await s.app.waitFor(() => s.app.on('/dlq').length >= 1);
      await sleep(500);
      expect(s.app.on('/drop')).toHaveLength(1);
      expect(s.app.on('/dlq')).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  // maxAwaitDurationMs is far beyond the test's timeout: every batch must go out because it is
  // full, i.e. either maxMessagesCount (20, above Redis' default concurrency of 10 and JetStream's
  // `single`) or as many messages as the component hands out at once: more than one where the
  // component raises its handler window for a bulk subscription (`bulkBatches`).
  it('bulk publishes and bulk subscribes', async () => {
    const t = topic('bulk');
    const s = await startSubscriber(c, {
      appId: appId('bulk'),
      subscriptions: [
        {
          pubsubname: 'pubsub',
          topic: t,
          route: '/bulk',
          bulkSubscribe: { enabled: true, maxMessagesCount: 20, maxAwaitDurationMs: 600_000 },
        },
      ],
    });
    s.app.respond = (d) => ({
      status: 200,
      body: {
        statuses: (d.body.entries as { entryId: string }[]).map((e) => ({
          entryId: e.entryId,
          status: 'SUCCESS',
        })),
      },
    });
    try {
      const entries = Array.from({ length: 40 }, (_, i) => ({
        entryId: String(i),
        event: { i },
        contentType: 'application/json',
      }));
      const res = await fetch(`${s.rt.httpUrl}/v1.0/publish/bulk/pubsub/${t}`, {
        method: 'POST',
        body: JSON.stringify(entries),
      });
      expect(res.status).toBe(204);
      await s.app.waitFor(() => s.app.on('/bulk').flatMap((d) => d.body.entries as unknown[]).length >= 40);
      const d = s.app.on('/bulk')[0];
      expect(d.body).toMatchObject({ type: 'com.dapr.event.sent.bulk', topic: t, pubsubname: 'pubsub' });
      const got = s.app
        .on('/bulk')
        .flatMap((x) => (x.body.entries as { event: { data: { i: number } } }[]).map((e) => e.event.data.i));
      expect(new Set(got)).toEqual(new Set(entries.map((_, i) => i)));
      const sizes = s.app.on('/bulk').map((x) => (x.body.entries as unknown[]).length);
      if (c.bulkBatches) expect(Math.min(...sizes)).toBeGreaterThan(1);
    } finally {
      await s.close();
    }
  });

  // Each component gets the case that states its retention: durable brokers keep what was
  // acknowledged for a subscriber that is down; in-process ones keep nothing for later.
  if (!c.durable)
    it('non-durable: a publish to a topic nobody subscribes is accepted (204) and dropped', async () => {
      const t = topic('nodurable');
      const s = await startSubscriber(c, {
        appId: appId('nodurable'),
        subscriptions: [{ pubsubname: 'pubsub', topic: t, route: '/r' }],
      });
      try {
        expect(await publish(s.rt, `${t}-nobody`, { n: 0 })).toBe(204);
        expect(await publish(s.rt, t, { n: 1 })).toBe(204);
        await s.app.waitFor(() => s.app.on('/r').length >= 1);
        await sleep(100);
        expect(s.app.on('/r').map((d) => d.body.topic)).toEqual([t]);
        expect(s.app.deliveries.map((d) => d.path)).toEqual(['/r']);
      } finally {
        await s.close();
      }
    });
  else
    it('a subscriber that restarts loses nothing acknowledged to the publisher', async () => {
      const t = topic('restart');
      const id = appId('restart');
      const subs = [{ pubsubname: 'pubsub', topic: t, route: '/r' }];
      const first = await startSubscriber(c, { appId: id, subscriptions: subs });
      await publish(first.rt, t, { n: -1 });
      await first.app.waitFor(() => first.app.on('/r').length >= 1);
      await first.close();
      const pub = await startPublisher(c, appId('restart-pub'));
      const sent: number[] = [];
      for (let i = 0; i < 20; i++) if ((await publish(pub, t, { n: i })) === 204) sent.push(i);
      await pub.close();
      expect(sent).toHaveLength(20);
      const second = await startSubscriber(c, { appId: id, subscriptions: subs });
      try {
        await second.app.waitFor(
          () => new Set(second.app.on('/r').map((d) => (d.body.data as { n: number }).n)).size >= 20,
          30_000,
        );
        const got = new Set(second.app.on('/r').map((d) => (d.body.data as { n: number }).n));
        for (const n of sent) expect(got.has(n)).toBe(true);
      } finally {
        await second.close();
      }
    });
});
