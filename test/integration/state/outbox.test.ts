import { expect, it } from 'vitest';
import {
  deleteOp,
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  sleep,
  transact,
  upsertOp,
} from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';
import { componentYaml } from '../../helpers/resources.js';

// "How-To: Enable the transactional outbox pattern": a transactional store naming the pub/sub and
// topic that receive its state changes.
const OUTBOX_STORE = componentYaml({
  name: 'statestore',
  metadata: [
    { name: 'outboxPublishPubsub', value: 'pubsub' },
    { name: 'outboxPublishTopic', value: 'newOrder' },
  ],
});

interface Event {
  id: string;
  source: string;
  type: string;
  topic: string;
  pubsubname: string;
  datacontenttype: string;
  data: unknown;
  traceid: string;
}

it('a transaction on an outbox state store publishes each upsert to outboxPublishTopic once committed', async () => {
  await using s = await startPubsubSidecar({
    appId: 'orders',
    subscriptions: [{ pubsubname: 'pubsub', topic: 'newOrder', route: '/new-order' }],
    resources: { 'state.yaml': OUTBOX_STORE },
  });
  const p = s.sidecar;

  // A plain save is no transaction: nothing is published.
  await expectNoContent(await saveState(p, [{ key: 'order_2', value: '550' }]));
  await expectNoContent(await transact(p, [upsertOp('order_1', '250'), deleteOp('order_2')]));
  expect(await expectValue(await getState(p, 'order_1'))).toBe('"250"');
  expect((await getState(p, 'order_2')).status).toBe(204);

  const [delivery] = await s.app.waitFor('/new-order', 1);
  const event = JSON.parse(delivery!.body) as Event;
  expect(event).toMatchObject({
    id: expect.stringMatching(/^outbox-[0-9a-f-]{36}$/),
    source: 'orders',
    type: 'com.dapr.event.sent',
    topic: 'newOrder',
    pubsubname: 'pubsub',
    datacontenttype: 'text/plain',
    data: '250',
    // The transaction call's trace context, as daprd's (unsampled) request span gives it.
    traceid: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/),
  });
  await sleep(1500);
  expect(s.app.to('/new-order')).toHaveLength(1);
});

it('an outbox.projection operation is published instead of the saved value and is not saved', async () => {
  await using s = await startPubsubSidecar({
    appId: 'orders',
    subscriptions: [{ pubsubname: 'pubsub', topic: 'newOrder', route: '/new-order' }],
    resources: { 'state.yaml': OUTBOX_STORE },
  });
  const p = s.sidecar;

  await expectNoContent(
    await transact(p, [
      upsertOp('key1', '2'),
      upsertOp('key1', '3', { metadata: { 'outbox.projection': 'true' } }),
    ]),
  );
  expect(await expectValue(await getState(p, 'key1'))).toBe('"2"');
  const [delivery] = await s.app.waitFor('/new-order', 1);
  expect((JSON.parse(delivery!.body) as Event).data).toBe('3');
});

it('a failed transaction publishes nothing to the topic, and shutdown does not wait for its event', async () => {
  await using s = await startPubsubSidecar({
    appId: 'orders',
    subscriptions: [{ pubsubname: 'pubsub', topic: 'newOrder', route: '/new-order' }],
    resources: { 'state.yaml': OUTBOX_STORE },
  });
  const p = s.sidecar;

  // The internal event goes out before the transaction runs; its marker is never committed.
  await expectDaprError(
    await transact(p, [upsertOp('order_1', '250'), deleteOp('order_2', { etag: '1' })]),
    500,
    'ERR_STATE_TRANSACTION',
  );
  await sleep(2000);
  expect(s.app.to('/new-order')).toHaveLength(0);
  const stopping = Date.now();
  await p.stop();
  expect(Date.now() - stopping).toBeLessThan(4000);
});
