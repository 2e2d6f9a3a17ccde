import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it('publish: data is embedded as JSON only for application/json (parameters allowed); other +json types stay a string', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
  });

  const cases: [string, unknown][] = [
    ['application/json', { n: 1 }],
    ['application/json; charset=utf-8', { n: 2 }],
    ['Application/JSON', { n: 3 }],
    ['application/problem+json', '{"n":4}'],
    ['application/vnd.api+json', '{"n":5}'],
    ['text/plain', '{"n":6}'],
  ];
  for (const [i, [contentType]] of cases.entries()) {
    await expectNoContent(
      await s.publish('orders', { headers: { 'content-type': contentType }, body: `{"n":${i + 1}}` }),
    );
  }
  const got = await s.app.waitFor('/orders', cases.length);
  const events = got.map((d) => JSON.parse(d.body) as { datacontenttype: string; data: unknown });
  for (const [contentType, data] of cases) {
    const e = events.find((x) => x.datacontenttype === contentType);
    expect(e?.data, contentType).toEqual(data);
  }
});
