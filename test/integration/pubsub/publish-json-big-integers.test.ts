import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

// daprd's envelope decodes application/json data with UseNumber (contrib pubsub/envelope.go
// unmarshalPrecise) and delivers the broker's bytes: a 64-bit ID reaches the subscriber exactly.
it('application/json data keeps integers past 2^53 digit for digit (IDs are not rounded)', async () => {
  await using app = await SubscriberApp.start([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);
  await expectNoContent(
    await p.fetch('/v1.0/publish/pubsub/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"orderId":1234567890123456789,"amount":12.5}',
    }),
  );
  const [got] = await app.waitFor('/orders', 1);
  expect(got.body).toContain('1234567890123456789');
  expect(got.body).not.toContain('1234567890123456800');
  expect(JSON.parse(got.body)).toMatchObject({ datacontenttype: 'application/json', data: { amount: 12.5 } });
});
