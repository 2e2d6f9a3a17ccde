import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

it('with APP_API_TOKEN the app receives dapr-api-token on /dapr/subscribe and on every delivery (plain and bulk)', async () => {
  await using app = await SubscriberApp.start([
    { pubsubname: 'pubsub', topic: 'orders', route: '/orders' },
    {
      pubsubname: 'pubsub',
      topic: 'batch',
      route: '/batch',
      bulkSubscribe: { enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 100 },
    },
  ]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
    // DAPR_API_TOKEN is the other direction; it is not what the app receives.
    env: { APP_API_TOKEN: 'app-token-1', DAPR_API_TOKEN: 'dapr-token-2' },
  });
  await waitAppReady(p);
  const headers = { 'dapr-api-token': 'dapr-token-2', 'content-type': 'application/json' };
  await expectNoContent(
    await p.fetch('/v1.0/publish/pubsub/orders', { method: 'POST', headers, body: '{"id":1}' }),
  );
  await expectNoContent(
    await p.fetch('/v1.0/publish/pubsub/orders', { method: 'POST', headers, body: '{"id":2}' }),
  );
  await expectNoContent(
    await p.fetch('/v1.0/publish/pubsub/batch', { method: 'POST', headers, body: '{"id":3}' }),
  );
  await app.waitFor('/orders', 2);
  await app.waitFor('/batch', 1);

  const discovery = app.to('/dapr/subscribe');
  expect(discovery.length).toBeGreaterThanOrEqual(1);
  for (const r of [...discovery, ...app.to('/orders'), ...app.to('/batch')])
    expect(r.headers['dapr-api-token'], `${r.method} ${r.path}`).toBe('app-token-1');
});
