import { expect, it } from 'vitest';
import { expectNoContent, startWithStateStore } from '../../helpers/dapr-http.js';

it('/v1.0/healthz and /v1.0/healthz/outbound are 204 with an empty body once started (no app port)', async () => {
  await using p = await startWithStateStore({ appId: 'health-app' });
  await expectNoContent(await p.fetch('/v1.0/healthz'));
  await expectNoContent(await p.fetch('/v1.0/healthz/outbound'));
  await expectNoContent(await p.fetch('/v1.0/healthz?appid=health-app'));
  expect(p.child.exitCode).toBeNull();
});
