import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';
import { componentYaml } from '../../helpers/resources.js';

// The docs' namespace consumer groups (consumerID: "{namespace}"): daprd then scopes the component's
// topics by namespace on the broker (`<NAMESPACE><topic>`, pkg/runtime/pubsub/publisher) and its
// consumer group is `<NAMESPACE>.<appId>`, so a daprd and a daprts sidecar share the streams.
it('a pubsub.redis component with consumerID "{namespace}": streams <NAMESPACE><topic>, group <NAMESPACE>.<appId>', async () => {
  const id = randomUUID();
  const namespace = `daprts-it-ns-${id}-`;
  const [orders, raw] = [`daprts-it-orders-${id}`, `daprts-it-raw-${id}`];
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  try {
    await using s = await startPubsubSidecar({
      appId: 'orderprocessing',
      env: { NAMESPACE: namespace },
      pubsub: componentYaml({
        name: 'pubsub',
        type: 'pubsub.redis',
        metadata: [
          { name: 'redisHost', value: '127.0.0.1:6379' },
          { name: 'consumerID', value: '{namespace}' },
        ],
      }),
      subscriptions: [
        { pubsubname: 'pubsub', topic: orders, route: '/orders' },
        { pubsubname: 'pubsub', topic: raw, route: '/raw', metadata: { rawPayload: 'true' } },
      ],
    });
    await expectNoContent(await s.publish(orders, { body: '{"orderId":1}' }));
    await expectNoContent(await s.publish(raw, { query: 'metadata.rawPayload=true', body: 'r' }));
    const [order] = await s.app.waitFor('/orders', 1);
    expect(JSON.parse(order.body)).toMatchObject({ topic: orders, data: { orderId: 1 } });
    // The topic an event read off the broker carries is the app's, without the namespace.
    const [rawEvent] = await s.app.waitFor('/raw', 1);
    expect(JSON.parse(rawEvent.body)).toMatchObject({
      topic: raw,
      data_base64: Buffer.from('r').toString('base64'),
    });

    expect(await redis.xlen(namespace + orders)).toBe(1);
    expect(await redis.exists(orders)).toBe(0);
    const groups = (await redis.xinfo('GROUPS', namespace + orders)) as unknown[][];
    expect(groups.map((g) => g[g.indexOf('name') + 1])).toEqual([`${namespace}.orderprocessing`]);
  } finally {
    const keys = [...(await redis.keys(`${namespace}*`)), orders, raw];
    await redis.del(...keys);
    redis.disconnect();
  }
});
