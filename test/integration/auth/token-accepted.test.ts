import { expect, it } from 'vitest';
import { expectNoContent, expectValue, startWithStateStore } from '../../helpers/dapr-http.js';

it('with the right dapr-api-token every route works', async () => {
  await using p = await startWithStateStore({ env: { DAPR_API_TOKEN: 'secret' } });
  const auth = { 'dapr-api-token': 'secret' };
  const call = (method: string, path: string, body?: string) =>
    p.fetch(path, { method, body, headers: auth });

  await expectNoContent(await call('POST', '/v1.0/state/statestore', '[{"key":"k","value":"v"}]'));
  await expectNoContent(await call('PUT', '/v1.0/state/statestore', '[{"key":"k2","value":"v2"}]'));
  expect(await expectValue(await call('GET', '/v1.0/state/statestore/k'))).toBe('"v"');
  const bulk = JSON.parse(
    await expectValue(await call('POST', '/v1.0/state/statestore/bulk', '{"keys":["k2"]}')),
  );
  expect(bulk).toMatchObject([{ key: 'k2', data: 'v2' }]);
  await expectNoContent(
    await call(
      'POST',
      '/v1.0/state/statestore/transaction',
      '{"operations":[{"operation":"delete","request":{"key":"k2"}}]}',
    ),
  );
  await expectNoContent(await call('DELETE', '/v1.0/state/statestore/k'));
  await expectNoContent(await call('PUT', '/v1.0/metadata/attr', 'value'));
  const md = JSON.parse(await expectValue(await call('GET', '/v1.0/metadata'))) as {
    extended: Record<string, string>;
  };
  expect(md.extended.attr).toBe('value');

  await expectNoContent(await call('POST', '/v1.0/shutdown'));
  expect(await p.exited).toBe(0);
});
