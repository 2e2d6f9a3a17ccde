import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

it('GET /dapr/subscribe: an entry without any route is dropped with a warning; the other subscriptions still work', async () => {
  await using app = await SubscriberApp.start([
    { pubsubname: 'pubsub', topic: 'noroute' },
    { pubsubname: 'pubsub', topic: 'emptyroutes', routes: { rules: [] } },
    { pubsubname: 'pubsub', topic: 'orders', route: '/orders' },
  ]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);

  const meta = (await (await p.fetch('/v1.0/metadata')).json()) as { subscriptions: { topic: string }[] };
  expect(meta.subscriptions.map((s) => s.topic)).toEqual(['orders']);
  await expectNoContent(
    await p.fetch('/v1.0/publish/pubsub/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":1}',
    }),
  );
  await app.waitFor('/orders', 1);
  expect(p.output).toContain('no route');
});
