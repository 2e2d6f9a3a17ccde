import { expect, it } from 'vitest';
import { expectNoContent, expectValue, startWithStateStore } from '../../helpers/dapr-http.js';

// daprd (pkg/api/universal/metadata.go GetMetadata) copies the attributes into a Go map, then sets
// daprRuntimeVersion over them; the map is written with its keys sorted.
it('PUT /v1.0/metadata/{key}: daprRuntimeVersion cannot be overwritten, any key is kept, "extended" is sorted', async () => {
  await using p = await startWithStateStore();
  for (const [key, value] of [
    ['zeta', 'z'],
    ['daprRuntimeVersion', 'spoofed'],
    ['__proto__', 'kept'],
    ['appPID', '42'],
  ]) {
    await expectNoContent(await p.fetch(`/v1.0/metadata/${key}`, { method: 'PUT', body: value }));
  }
  const text = await expectValue(await p.fetch('/v1.0/metadata'));
  const md = JSON.parse(text) as { runtimeVersion: string; extended: Record<string, string> };
  expect(md.extended.daprRuntimeVersion).toBe(md.runtimeVersion);
  expect(Object.hasOwn(md.extended, '__proto__')).toBe(true);
  expect(text).toContain(
    `"extended":{"__proto__":"kept","appPID":"42","daprRuntimeVersion":"${md.runtimeVersion}","zeta":"z"}`,
  );
});
