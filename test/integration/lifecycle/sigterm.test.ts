import { expect, it } from 'vitest';
import { expectNoContent, startWithStateStore } from '../../helpers/dapr-http.js';

it('SIGTERM stops the sidecar gracefully with exit code 0', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(
    await p.fetch('/v1.0/state/statestore', { method: 'POST', body: '[{"key":"k","value":1}]' }),
  );
  const started = Date.now();
  p.child.kill('SIGTERM');

  expect(await p.exited).toBe(0);
  expect(p.child.signalCode).toBeNull();
  expect(Date.now() - started).toBeLessThan(5_000);
});
