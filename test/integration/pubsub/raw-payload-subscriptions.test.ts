import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it('rawPayload subscriptions: one delivery is daprd`s FromRawPayload CloudEvent; a bulk entry is the base64 of the bytes', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [
      { pubsubname: 'pubsub', topic: 'raw', route: '/raw', metadata: { rawPayload: 'true' } },
      {
        pubsubname: 'pubsub',
        topic: 'rawbulk',
        route: '/rawbulk',
        metadata: { rawPayload: 'true' },
        bulkSubscribe: { enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 100 },
      },
    ],
  });
  const { app } = s;
  const payload = '{"order":1}';
  for (const topic of ['raw', 'rawbulk'])
    await expectNoContent(await s.publish(topic, { query: 'metadata.rawPayload=true', body: payload }));

  const [one] = await app.waitFor('/raw', 1);
  expect(one.headers['content-type']).toBe('application/cloudevents+json');
  expect(one.headers.pubsubname).toBe('pubsub');
  const ce = JSON.parse(one.body) as Record<string, unknown>;
  // Exactly the attributes daprd sets (no `time`, no trace fields without trace metadata).
  expect(Object.keys(ce).sort()).toEqual(
    ['data_base64', 'datacontenttype', 'id', 'pubsubname', 'source', 'specversion', 'topic', 'type'].sort(),
  );
  expect(ce).toMatchObject({
    data_base64: Buffer.from(payload).toString('base64'),
    datacontenttype: 'application/octet-stream',
    source: 'Dapr',
    type: 'com.dapr.event.sent',
    specversion: '1.0',
    topic: 'raw',
    pubsubname: 'pubsub',
  });

  const [bulk] = await app.waitFor('/rawbulk', 1);
  expect(bulk.headers['content-type']).toBe('application/json');
  const envelope = JSON.parse(bulk.body) as {
    type: string;
    entries: { entryId: string; event: unknown; contentType: string }[];
  };
  expect(envelope.type).toBe('com.dapr.event.sent.bulk');
  expect(envelope.entries).toHaveLength(1);
  expect(envelope.entries[0].event).toBe(Buffer.from(payload).toString('base64'));
  expect(envelope.entries[0].contentType).toBe('application/octet-stream');
});
