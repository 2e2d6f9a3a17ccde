import { expect, it } from 'vitest';
import {
  expectNoContent,
  expectValue,
  getState,
  postJson,
  startWithStateStore,
  upsertOp,
} from '../../helpers/dapr-http.js';

// daprd hands the transaction's own `metadata` to the store's Multi call only; each operation gets
// its own metadata plus the URL's `metadata.*` (which wins). So a top-level ttlInSeconds sets no TTL.
it('transaction metadata is not copied into operations; URL metadata is, and wins over the operation', async () => {
  await using p = await startWithStateStore();
  const upsert = (key: string, metadata?: Record<string, string>) =>
    upsertOp(key, key, metadata ? { metadata } : {});

  await expectNoContent(
    await postJson(p, '/v1.0/state/statestore/transaction', {
      operations: [upsert('top-level-only'), upsert('own-ttl', { ttlInSeconds: '100' })],
      metadata: { ttlInSeconds: '100' },
    }),
  );
  const plain = await getState(p, 'top-level-only');
  expect(await expectValue(plain)).toBe('"top-level-only"');
  expect(plain.headers.get('metadata.ttlExpireTime')).toBeNull();
  const own = await getState(p, 'own-ttl');
  await expectValue(own);
  expect(own.headers.get('metadata.ttlExpireTime')).not.toBeNull();

  // URL metadata reaches every operation, over the operation's own value ("abc" would fail the save).
  await expectNoContent(
    await postJson(p, '/v1.0/state/statestore/transaction?metadata.ttlInSeconds=100', {
      operations: [upsert('from-url'), upsert('url-wins', { ttlInSeconds: 'abc' })],
    }),
  );
  for (const key of ['from-url', 'url-wins']) {
    const res = await getState(p, key);
    expect(await expectValue(res)).toBe(JSON.stringify(key));
    expect(res.headers.get('metadata.ttlExpireTime'), key).not.toBeNull();
  }
});
