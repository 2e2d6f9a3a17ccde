import { expect, it } from 'vitest';
import { expectDaprError, postJson, startWithStateStore } from '../../helpers/dapr-http.js';

const QUERY = { filter: { EQ: { 'person.org': 'Dev Ops' } }, page: { limit: 2 } };

// daprd (pkg/api/errors/state.go QueryUnsupported, since 1.13): a dapr/kit error with ResourceInfo
// then ErrorInfo (no metadata: null), each detail a Go map marshalled with its keys sorted.
const UNSUPPORTED =
  '{"errorCode":"ERR_STATE_STORE_NOT_SUPPORTED","message":"state store does not support querying",' +
  '"details":[{"@type":"type.googleapis.com/google.rpc.ResourceInfo","description":"","owner":"",' +
  '"resource_name":"statestore","resource_type":"state"},{"@type":"type.googleapis.com/google.rpc.ErrorInfo",' +
  '"domain":"dapr.io","metadata":null,"reason":"DAPR_STATE_QUERYING_NOT_SUPPORTED"}]}';

it('the state Query API (alpha) answers 500 ERR_STATE_STORE_NOT_SUPPORTED for a store without query, 400 for an unknown store', async () => {
  await using p = await startWithStateStore();
  for (const method of ['POST', 'PUT']) {
    const res = await postJson(p, '/v1.0-alpha1/state/statestore/query', QUERY, method);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe(UNSUPPORTED);
  }
  await expectDaprError(
    await postJson(p, '/v1.0-alpha1/state/nosuchstore/query', QUERY),
    400,
    'ERR_STATE_STORE_NOT_FOUND',
  );
  // The runtime lives on.
  expect((await fetch(`${p.url}/v1.0/healthz`)).status).toBe(204);
});
