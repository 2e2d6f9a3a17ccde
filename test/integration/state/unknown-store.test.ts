import { expect, it } from 'vitest';
import { expectDaprError, getState, saveState, startWithStateStore } from '../../helpers/dapr-http.js';

it('an unknown state store is 400 ERR_STATE_STORE_NOT_FOUND with one ErrorInfo detail', async () => {
  await using p = await startWithStateStore({ appId: 'myapp' });
  const err = await expectDaprError(
    await saveState(p, '', { store: 'mystore-doesnt-exist' }),
    400,
    'ERR_STATE_STORE_NOT_FOUND',
  );
  expect(err).toEqual({
    errorCode: 'ERR_STATE_STORE_NOT_FOUND',
    message: 'state store mystore-doesnt-exist is not found',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'DAPR_STATE_NOT_FOUND',
        domain: 'dapr.io',
        metadata: { appID: 'myapp' },
      },
    ],
  });
  // The same answer on every state route.
  await expectDaprError(await getState(p, 'k', 'nope'), 400, 'ERR_STATE_STORE_NOT_FOUND');
  await expectDaprError(
    await p.fetch('/v1.0/state/nope/k', { method: 'DELETE' }),
    400,
    'ERR_STATE_STORE_NOT_FOUND',
  );
  await expectDaprError(
    await p.fetch('/v1.0/state/nope/bulk', { method: 'POST', body: '{"keys":[]}' }),
    400,
    'ERR_STATE_STORE_NOT_FOUND',
  );
  await expectDaprError(
    await p.fetch('/v1.0/state/nope/transaction', { method: 'POST', body: '{"operations":[]}' }),
    400,
    'ERR_STATE_STORE_NOT_FOUND',
  );
});
