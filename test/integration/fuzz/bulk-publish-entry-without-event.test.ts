import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

// Found by http-api-malformed.test.ts (an ERR_INTERNAL answer).
it('bulk publish: a JSON entry without "event" is published as JSON null (daprd json.Marshal(nil)), not a 500 ERR_INTERNAL', async () => {
  await using app = await SubscriberApp.start([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);

  await expectNoContent(
    await p.fetch('/v1.0-alpha1/publish/bulk/pubsub/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { entryId: '1', contentType: 'application/json' },
        { entryId: '2', event: { n: 2 }, contentType: 'application/json' },
      ]),
    }),
  );
  const deliveries = await app.waitFor('/orders', 2);
  const data = deliveries.map((d) => (JSON.parse(d.body) as { data: unknown }).data);
  expect(data).toEqual(expect.arrayContaining([null, { n: 2 }]));
});
