import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it('with APP_API_TOKEN the app receives dapr-api-token on /dapr/subscribe and on every delivery (plain and bulk)', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [
      { pubsubname: 'pubsub', topic: 'orders', route: '/orders' },
      {
        pubsubname: 'pubsub',
        topic: 'batch',
        route: '/batch',
        bulkSubscribe: { enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 100 },
      },
    ],
    // DAPR_API_TOKEN is the other direction; it is not what the app receives.
    env: { APP_API_TOKEN: 'app-token-1', DAPR_API_TOKEN: 'dapr-token-2' },
  });
  const { app } = s;
  const headers = { 'dapr-api-token': 'dapr-token-2', 'content-type': 'application/json' };
  await expectNoContent(await s.publish('orders', { headers, body: '{"id":1}' }));
  await expectNoContent(await s.publish('orders', { headers, body: '{"id":2}' }));
  await expectNoContent(await s.publish('batch', { headers, body: '{"id":3}' }));
  await app.waitFor('/orders', 2);
  await app.waitFor('/batch', 1);

  const discovery = app.to('/dapr/subscribe');
  expect(discovery.length).toBeGreaterThanOrEqual(1);
  for (const r of [...discovery, ...app.to('/orders'), ...app.to('/batch')])
    expect(r.headers['dapr-api-token'], `${r.method} ${r.path}`).toBe('app-token-1');
});
