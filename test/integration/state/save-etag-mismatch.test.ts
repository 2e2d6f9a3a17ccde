import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveAndGetEtag,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('a save with a stale etag is 409 ERR_STATE_SAVE; with the current etag it succeeds', async () => {
  await using p = await startWithStateStore();
  const etag = await saveAndGetEtag(p, 'account', { balance: 10 });

  const err = await expectDaprError(
    await saveState(p, [{ key: 'account', value: { balance: 0 }, etag: 'stale' }]),
    409,
    'ERR_STATE_SAVE',
  );
  expect(err.message).toContain('failed saving state in state store statestore');
  expect(JSON.parse(await expectValue(await getState(p, 'account')))).toEqual({ balance: 10 });

  await expectNoContent(await saveState(p, [{ key: 'account', value: { balance: 20 }, etag }]));
  const res = await getState(p, 'account');
  expect(JSON.parse(await expectValue(res))).toEqual({ balance: 20 });
  expect(res.headers.get('etag')).not.toBe(etag);
});
