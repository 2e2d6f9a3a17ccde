import { expect, it } from 'vitest';
import {
  bulkGet,
  expectDaprError,
  saveState,
  startWithStateStore,
  transaction,
} from '../../helpers/dapr-http.js';

// The bodies dapr/dapr's state/http/basic "bad json" case sends, minus the key cases (own files).
const badSaveBodies = [
  '',
  'foobar',
  '[{"key": "key1", "value": "value1"},]',
  '[{"key": "key1", "value": "value1"},{"key": "key2", "value": "value1"},]',
  '[{"key": "key1", "value": "value1", "etag": 123}]',
  '[{"key": "k", "value": 1',
];

it('a body that is not valid JSON for the route is 400 ERR_MALFORMED_REQUEST', async () => {
  await using p = await startWithStateStore();
  for (const body of badSaveBodies) {
    const err = await expectDaprError(await saveState(p, body), 400, 'ERR_MALFORMED_REQUEST');
    expect(err.message, body).not.toBe('');
  }
  await expectDaprError(await bulkGet(p, '{"keys": ['), 400, 'ERR_MALFORMED_REQUEST');
  await expectDaprError(await transaction(p, 'not json'), 400, 'ERR_MALFORMED_REQUEST');
});
