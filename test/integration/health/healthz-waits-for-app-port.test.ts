import { createServer } from 'node:http';
import { expect, it } from 'vitest';
import {
  eventually,
  expectDaprError,
  expectNoContent,
  startWithStateStore,
} from '../../helpers/dapr-http.js';
import { freePort } from '../../helpers/daprts-process.js';

it('with --app-port closed healthz is 500 ERR_HEALTH_NOT_READY while outbound is 204; 204 once the app listens', async () => {
  const appPort = await freePort();
  await using p = await startWithStateStore({ args: ['--app-port', String(appPort)] });

  await expectNoContent(await p.fetch('/v1.0/healthz/outbound'));
  const notReady = await expectDaprError(await p.fetch('/v1.0/healthz'), 500, 'ERR_HEALTH_NOT_READY');
  // daprd: messages.ErrHealthNotReady ("dapr is not ready: %v") with its unhealthy health targets;
  // while the API answers and the app port is closed, that is the "runtime" target.
  expect(notReady).toEqual({ errorCode: 'ERR_HEALTH_NOT_READY', message: 'dapr is not ready: [runtime]' });
  // The state API is usable before the app is up (outbound readiness).
  await expectNoContent(await p.fetch('/v1.0/state/statestore/nothing'));

  // A minimal app: no programmatic subscriptions, nothing else.
  const app = createServer((req, res) => {
    if (req.url === '/dapr/subscribe') res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => app.listen(appPort, '127.0.0.1', r));
  try {
    const ready = await eventually(async () => (await p.fetch('/v1.0/healthz')).status === 204, 5_000);
    expect(ready).toBe(true);
    await expectNoContent(await p.fetch('/v1.0/healthz'));
  } finally {
    app.closeAllConnections();
    await new Promise((r) => app.close(r));
  }
});
