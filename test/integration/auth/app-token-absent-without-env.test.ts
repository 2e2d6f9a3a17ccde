import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

it("without APP_API_TOKEN no dapr-api-token header reaches the app (not even DAPR_API_TOKEN's value)", async () => {
  await using app = await SubscriberApp.start([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]);
  const env: NodeJS.ProcessEnv = { DAPR_API_TOKEN: 'dapr-token-only' };
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
    env: { ...env, APP_API_TOKEN: undefined },
  });
  await waitAppReady(p);
  await expectNoContent(
    await p.fetch('/v1.0/publish/pubsub/orders', {
      method: 'POST',
      headers: { 'dapr-api-token': 'dapr-token-only' },
      body: 'x',
    }),
  );
  await app.waitFor('/orders', 1);
  for (const r of app.requests) expect(r.headers['dapr-api-token'], `${r.method} ${r.path}`).toBeUndefined();
});
