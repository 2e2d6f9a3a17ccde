import { expect, it } from 'vitest';
import {
  bulkGet,
  deleteState,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

// Keys travel in the JSON body on save and percent-encoded in the URL on get/delete.
const keys = ['with space', 'ключ-日本-✓', 'orders/2024/1', 'a%b', 'q?x=1&y#z', "it's"];

it('keys with spaces, unicode, encoded "/" and other reserved characters round-trip', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(
    await saveState(
      p,
      keys.map((key, i) => ({ key, value: i })),
    ),
  );

  for (const [i, key] of keys.entries()) {
    expect(await expectValue(await getState(p, key)), key).toBe(String(i));
  }
  // The raw forms a curl user types: %20 for a space and %2F for "/".
  expect(await expectValue(await p.fetch('/v1.0/state/statestore/with%20space'))).toBe('0');
  expect(await expectValue(await p.fetch('/v1.0/state/statestore/orders%2F2024%2F1'))).toBe('2');

  const bulk = JSON.parse(await expectValue(await bulkGet(p, { keys }))) as { key: string; data: number }[];
  expect(bulk.map((b) => [b.key, b.data])).toEqual(keys.map((k, i) => [k, i]));

  await expectNoContent(await deleteState(p, 'orders/2024/1'));
  await expectNoContent(await getState(p, 'orders/2024/1'));
});
