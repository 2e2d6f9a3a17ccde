import { expect, it } from 'vitest';
import {
  bulkGet,
  expectNoContent,
  expectStatus,
  saveState,
  startWithStateStore,
  transaction,
} from '../../helpers/dapr-http.js';

// daprd decodes `null` into its request types as an empty request: nothing to do, not a bad body.
it('a JSON null body is an empty save, an empty bulk get and an empty transaction', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(await saveState(p, 'null'));
  const bulk = await bulkGet(p, 'null');
  expect(await expectStatus(bulk, 200)).toBe('[]');
  expect(bulk.headers.get('content-type')).toBe('application/json');
  await expectNoContent(await transaction(p, 'null'));
  await expectNoContent(await transaction(p, '{"operations": null}'));
  expect(await expectStatus(await bulkGet(p, '{"keys": null}'), 200)).toBe('[]');
});
