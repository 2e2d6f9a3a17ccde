import { expect, it } from 'vitest';
import { expectDaprError, expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it('bulk publish: an entry whose contentType is missing or not text/JSON/binary is 400 ERR_PUBSUB_EVENTS_SER, nothing published', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
  });
  const { app } = s;
  const bulk = (entries: unknown[]) => s.bulkPublish('orders', entries);

  const ok = { entryId: '1', event: { n: 1 }, contentType: 'application/json' };
  const bad: unknown[] = [
    { entryId: '2', event: { n: 2 } }, // no contentType: daprd has no default
    { entryId: '2', event: 'x', contentType: 'image/png' },
    { entryId: '2', event: { n: 2 }, contentType: 'application/problem+json' },
    { entryId: '2', event: 'not base64!', contentType: 'application/octet-stream' },
    { entryId: '2', event: 42, contentType: 'application/octet-stream' },
    { entryId: '2', event: { n: 2 }, contentType: 'text/plain' },
  ];
  for (const entry of bad) {
    const body = await expectDaprError(await bulk([ok, entry]), 400, 'ERR_PUBSUB_EVENTS_SER');
    expect(body.message, JSON.stringify(entry)).toContain('orders');
  }

  // The accepted shapes, content-type parameters included.
  await expectNoContent(
    await bulk([
      { entryId: 'a', event: { n: 'a' }, contentType: 'application/json; charset=utf-8' },
      { entryId: 'b', event: 'AQID', contentType: 'application/octet-stream' },
      { entryId: 'c', event: '<n>c</n>', contentType: 'application/xml' },
      { entryId: 'd', event: 'd', contentType: 'TEXT/PLAIN' },
    ]),
  );
  const got = await app.waitFor('/orders', 4);
  await new Promise((r) => setTimeout(r, 200));
  // None of the refused requests published its valid entry.
  expect(app.to('/orders')).toHaveLength(4);
  const events = got.map((d) => JSON.parse(d.body) as Record<string, unknown>);
  const byType = (t: string) => events.find((e) => String(e.datacontenttype).toLowerCase().startsWith(t));
  expect(byType('application/json')?.data).toEqual({ n: 'a' });
  expect(byType('application/octet-stream')?.data_base64).toBe('AQID');
  expect(byType('application/xml')?.data).toBe('<n>c</n>');
  expect(byType('text/plain')?.data).toBe('d');
});
