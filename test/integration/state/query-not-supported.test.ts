import { expect, it } from 'vitest';
import { expectDaprError, postJson, startWithStateStore } from '../../helpers/dapr-http.js';

const QUERY = { filter: { EQ: { 'person.org': 'Dev Ops' } }, page: { limit: 2 } };

it('the state Query API (alpha) answers 500 ERR_STATE_STORE_NOT_SUPPORTED for a store without query, 400 for an unknown store', async () => {
  await using p = await startWithStateStore();
  for (const method of ['POST', 'PUT']) {
    const err = await expectDaprError(
      await postJson(p, '/v1.0-alpha1/state/statestore/query', QUERY, method),
      500,
      'ERR_STATE_STORE_NOT_SUPPORTED',
    );
    expect(err.message).toBe("state store statestore doesn't support query");
  }
  await expectDaprError(
    await postJson(p, '/v1.0-alpha1/state/nosuchstore/query', QUERY),
    400,
    'ERR_STATE_STORE_NOT_FOUND',
  );
  // The runtime lives on.
  expect((await fetch(`${p.url}/v1.0/healthz`)).status).toBe(204);
});
