import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  deleteOp,
  startWithStateStore,
  transact,
} from '../../helpers/dapr-http.js';

// daprd's in-memory store applies the same etag rule to deletes as to saves: `first-write` without
// an etag only succeeds when the key is absent (409 on a single delete, 500 inside a transaction).
it('state.in-memory: DELETE ?concurrency=first-write without If-Match is 409 on an existing key', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(await saveState(p, [{ key: 'kept', value: 1 }]));

  await expectDaprError(
    await p.fetch('/v1.0/state/statestore/kept?concurrency=first-write', { method: 'DELETE' }),
    409,
    'ERR_STATE_DELETE',
  );
  await expectDaprError(
    await transact(p, [deleteOp('kept', { options: { concurrency: 'first-write' } })]),
    500,
    'ERR_STATE_TRANSACTION',
  );
  expect(await expectValue(await getState(p, 'kept'))).toBe('1');

  // Absent key: nothing to protect, 204; with the current etag the delete goes through.
  await expectNoContent(
    await p.fetch('/v1.0/state/statestore/absent?concurrency=first-write', { method: 'DELETE' }),
  );
  const etag = (await getState(p, 'kept')).headers.get('etag')!;
  await expectNoContent(
    await p.fetch('/v1.0/state/statestore/kept?concurrency=first-write', {
      method: 'DELETE',
      headers: { 'if-match': etag },
    }),
  );
  await expectNoContent(await getState(p, 'kept'));
});
