import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

it('publish: data is embedded as JSON only for application/json (parameters allowed); other +json types stay a string', async () => {
  await using app = await SubscriberApp.start([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);

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
      await p.fetch('/v1.0/publish/pubsub/orders', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: `{"n":${i + 1}}`,
      }),
    );
  }
  const got = await app.waitFor('/orders', cases.length);
  const events = got.map((d) => JSON.parse(d.body) as { datacontenttype: string; data: unknown });
  for (const [contentType, data] of cases) {
    const e = events.find((x) => x.datacontenttype === contentType);
    expect(e?.data, contentType).toEqual(data);
  }
});
