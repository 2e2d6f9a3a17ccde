import { expect, it } from 'vitest';
import { expectNoContent, startWithStateStore } from '../../helpers/dapr-http.js';

it('POST /v1.0/shutdown answers 204 and the process exits 0 within the graceful period', async () => {
  await using p = await startWithStateStore({ args: ['--dapr-graceful-shutdown-seconds', '3'] });
  const started = Date.now();
  await expectNoContent(await p.fetch('/v1.0/shutdown', { method: 'POST' }));

  expect(await p.exited).toBe(0);
  expect(Date.now() - started).toBeLessThan(3_000);
  await expect(p.fetch('/v1.0/healthz')).rejects.toThrow();
});
