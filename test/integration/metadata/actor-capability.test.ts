import { expect, it } from 'vitest';
import { expectValue, startWithStateStore } from '../../helpers/dapr-http.js';

// daprd derives ACTOR from the store's features (ETAG and TRANSACTIONAL), not from `actorStateStore`.
it('a state store with ETAG and TRANSACTIONAL lists ACTOR without actorStateStore', async () => {
  await using p = await startWithStateStore();
  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    components: { name: string; capabilities?: string[] }[];
  };
  const caps = md.components.find((c) => c.name === 'statestore')?.capabilities ?? [];
  expect(caps).toEqual(expect.arrayContaining(['ETAG', 'TRANSACTIONAL']));
  expect(caps).toContain('ACTOR');
});
