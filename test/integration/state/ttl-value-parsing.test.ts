import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

// daprd's in-memory store reads the exact key `ttlInSeconds` with Go's strconv.Atoi: a value that is
// not a base-10 integer fails the save (500 ERR_STATE_SAVE), and any negative value means no expiry.
it('state.in-memory: ttlInSeconds must be a base-10 integer, any negative is no TTL, the key is case-sensitive', async () => {
  await using p = await startWithStateStore();
  for (const ttl of ['abc', '1.5', '0x10', '1e3', ' 5']) {
    const err = await expectDaprError(
      await saveState(p, [{ key: 'bad', value: 1, metadata: { ttlInSeconds: ttl } }]),
      500,
      'ERR_STATE_SAVE',
    );
    expect(err.message, ttl).toContain('ttlInSeconds');
  }
  await expectNoContent(await getState(p, 'bad'));

  await expectNoContent(
    await saveState(p, [{ key: 'negative', value: 1, metadata: { ttlInSeconds: '-5' } }]),
  );
  await expectNoContent(
    await saveState(p, [{ key: 'other-case', value: 1 }], { query: 'metadata.TTLInSeconds=1' }),
  );
  await expectNoContent(await saveState(p, [{ key: 'plus', value: 1, metadata: { ttlInSeconds: '+100' } }]));
  for (const key of ['negative', 'other-case']) {
    const res = await getState(p, key);
    expect(await expectValue(res)).toBe('1');
    expect(res.headers.get('metadata.ttlExpireTime'), key).toBeNull();
  }
  const plus = await getState(p, 'plus');
  await expectValue(plus);
  expect(plus.headers.get('metadata.ttlExpireTime')).not.toBeNull();
});
