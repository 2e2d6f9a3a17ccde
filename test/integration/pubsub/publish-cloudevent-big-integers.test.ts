import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestGrpcClient } from '../../../src/api/grpc/testing.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { BIG_NUMBERS_DATA, BIG_NUMBERS_EVENT } from '../../helpers/big-numbers.js';
import { startPubsubSidecar, type PubsubSidecar } from '../../helpers/pubsub-sidecar.js';

// daprd completes a published CloudEvent read with UseNumber (contrib pubsub FromCloudEvent,
// unmarshalPrecise): every number reaches the subscriber as written, 64-bit IDs included.
const DATA = BIG_NUMBERS_DATA;
const EVENT = BIG_NUMBERS_EVENT;

let s: PubsubSidecar;
beforeAll(async () => {
  s = await startPubsubSidecar({
    subscriptions: [
      { pubsubname: 'pubsub', topic: 'http', route: '/http' },
      { pubsubname: 'pubsub', topic: 'grpc', route: '/grpc' },
      { pubsubname: 'pubsub', topic: 'grpc-bulk', route: '/grpc-bulk' },
    ],
  });
});
afterAll(() => s?.close());

function expectExact(body: string) {
  expect(body).toContain(`"seq":12345678901234567890,`);
  expect(body).toContain(`"data":${DATA}`);
  expect(JSON.parse(body)).toMatchObject({ id: 'ev-1', topic: expect.any(String), pubsubname: 'pubsub' });
}

it('HTTP publish of an application/cloudevents+json body keeps every number as written', async () => {
  await expectNoContent(
    await s.publish('http', { headers: { 'content-type': 'application/cloudevents+json' }, body: EVENT }),
  );
  const [got] = await s.app.waitFor('/http', 1);
  expectExact(got.body);
});

it('gRPC PublishEvent of an application/cloudevents+json event keeps every number as written', async () => {
  const c = new TestGrpcClient(s.sidecar.grpcPort);
  try {
    await c.call('PublishEvent', {
      pubsubName: 'pubsub',
      topic: 'grpc',
      data: Buffer.from(EVENT),
      dataContentType: 'application/cloudevents+json',
    });
  } finally {
    c.close();
  }
  const [got] = await s.app.waitFor('/grpc', 1);
  expectExact(got.body);
});

it('gRPC BulkPublishEvent keeps every number of application/json and cloudevents+json entries', async () => {
  const c = new TestGrpcClient(s.sidecar.grpcPort);
  try {
    const res = await c.call<{ failedEntries: unknown[] }>('BulkPublishEventAlpha1', {
      pubsubName: 'pubsub',
      topic: 'grpc-bulk',
      entries: [
        { entryId: 'ce', event: Buffer.from(EVENT), contentType: 'application/cloudevents+json' },
        { entryId: 'json', event: Buffer.from(DATA), contentType: 'application/json' },
      ],
    });
    expect(res.failedEntries).toEqual([]);
  } finally {
    c.close();
  }
  const got = await s.app.waitFor('/grpc-bulk', 2);
  const ce = got.find((r) => r.body.includes('"id":"ev-1"'));
  const json = got.find((r) => !r.body.includes('"id":"ev-1"'));
  expectExact(ce!.body);
  expect(json!.body).toContain(`"data":${DATA}`);
});
