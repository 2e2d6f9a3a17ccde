import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it("without APP_API_TOKEN no dapr-api-token header reaches the app (not even DAPR_API_TOKEN's value)", async () => {
  const env: NodeJS.ProcessEnv = { DAPR_API_TOKEN: 'dapr-token-only' };
  await using s = await startPubsubSidecar({
    subscriptions: [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
    env: { ...env, APP_API_TOKEN: undefined },
  });
  const { app } = s;
  await expectNoContent(
    await s.publish('orders', { headers: { 'dapr-api-token': 'dapr-token-only' }, body: 'x' }),
  );
  await app.waitFor('/orders', 1);
  for (const r of app.requests) expect(r.headers['dapr-api-token'], `${r.method} ${r.path}`).toBeUndefined();
});
