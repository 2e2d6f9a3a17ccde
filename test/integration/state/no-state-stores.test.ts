import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, getState, saveState } from '../../helpers/dapr-http.js';

it('with no state store loaded every state call is 500 ERR_STATE_STORE_NOT_CONFIGURED', async () => {
  await using p = await DaprtsProcess.start({ appId: 'bare', resources: {} });
  const err = await expectDaprError(await saveState(p, '[]'), 500, 'ERR_STATE_STORE_NOT_CONFIGURED');
  expect(err).toEqual({
    errorCode: 'ERR_STATE_STORE_NOT_CONFIGURED',
    message: 'state store statestore is not configured',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'DAPR_STATE_NOT_CONFIGURED',
        domain: 'dapr.io',
        metadata: { appID: 'bare' },
      },
    ],
  });
  await expectDaprError(await getState(p, 'k'), 500, 'ERR_STATE_STORE_NOT_CONFIGURED');
});
