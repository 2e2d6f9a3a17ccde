import { expect, it } from 'vitest';
import { expectNoContent, expectValue, startWithStateStore } from '../../helpers/dapr-http.js';

it('PUT /v1.0/metadata/{key} with a raw text body is 204 and shows up in "extended"', async () => {
  await using p = await startWithStateStore();
  const res = await p.fetch('/v1.0/metadata/myDemoAttribute', {
    method: 'PUT',
    headers: { 'content-type': 'text/plain' },
    body: 'my demo value ✓ {"not": "parsed"}',
  });
  await expectNoContent(res);

  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    extended: Record<string, string>;
  };
  expect(md.extended.myDemoAttribute).toBe('my demo value ✓ {"not": "parsed"}');
  expect(md.extended.daprRuntimeVersion).toEqual(expect.any(String));

  // A second PUT of the same key replaces the value.
  await expectNoContent(await p.fetch('/v1.0/metadata/myDemoAttribute', { method: 'PUT', body: 'v2' }));
  const again = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    extended: Record<string, string>;
  };
  expect(again.extended.myDemoAttribute).toBe('v2');
});
