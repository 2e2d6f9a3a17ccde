import { expect, it } from 'vitest';
import {
  bulkGet,
  expectDaprError,
  getState,
  saveState,
  startWithStateStore,
  transact,
  upsertOp,
} from '../../helpers/dapr-http.js';

it('a key containing "||" is 400 ERR_MALFORMED_REQUEST with ErrorInfo, ResourceInfo and BadRequest details', async () => {
  await using p = await startWithStateStore();
  const err = await expectDaprError(
    await saveState(p, '[{"key": "ke||y1", "value": "value1"}]'),
    400,
    'ERR_MALFORMED_REQUEST',
  );
  expect(err.message).toContain("input key/keyPrefix 'ke||y1' can't contain '||'");
  expect(err.details).toHaveLength(3);
  expect(err.details).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'DAPR_STATE_ILLEGAL_KEY',
        domain: 'dapr.io',
      }),
      expect.objectContaining({
        '@type': 'type.googleapis.com/google.rpc.ResourceInfo',
        resource_type: 'state',
        resource_name: 'statestore',
      }),
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        field_violations: [{ field: 'ke||y1', description: expect.stringContaining("can't contain '||'") }],
      },
    ]),
  );

  // As daprd writes it (dapr/kit JSONErrorValue): details in build order, each a Go map with
  // sorted keys; the ErrorInfo has no metadata, a nil Go map: `"metadata":null`.
  const res = await getState(p, 'a||b');
  expect(res.status).toBe(400);
  expect(await res.text()).toBe(
    `{"errorCode":"ERR_MALFORMED_REQUEST","message":"input key/keyPrefix 'a||b' can't contain '||'",` +
      `"details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","field_violations":[{"field":"a||b",` +
      `"description":"input key/keyPrefix 'a||b' can't contain '||'"}]},{"@type":"type.googleapis.com/google.rpc.ResourceInfo",` +
      `"description":"","owner":"","resource_name":"statestore","resource_type":"state"},` +
      `{"@type":"type.googleapis.com/google.rpc.ErrorInfo","domain":"dapr.io","metadata":null,"reason":"DAPR_STATE_ILLEGAL_KEY"}]}`,
  );
  await expectDaprError(
    await p.fetch('/v1.0/state/statestore/a%7C%7Cb', { method: 'DELETE' }),
    400,
    'ERR_MALFORMED_REQUEST',
  );
  await expectDaprError(await bulkGet(p, { keys: ['fine', 'x||y'] }), 400, 'ERR_MALFORMED_REQUEST');
  await expectDaprError(await transact(p, [upsertOp('x||y', 1)]), 400, 'ERR_MALFORMED_REQUEST');
});
