import { expect, it } from 'vitest';
import { expectValue, startWithStateStore } from '../../helpers/dapr-http.js';
import { inMemoryStateYaml } from '../../helpers/daprts-process.js';

interface Metadata {
  id: string;
  runtimeVersion: string;
  components: { name: string; type: string; version: string; capabilities?: string[] }[];
  extended: Record<string, string>;
}

it('GET /v1.0/metadata lists the app id, runtime version and loaded components with capabilities', async () => {
  await using p = await startWithStateStore({
    appId: 'meta-app',
    resources: {
      'actors.yaml': inMemoryStateYaml('actorstore', '  - name: actorStateStore\n    value: "true"'),
    },
  });
  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as Metadata;

  expect(md.id).toBe('meta-app');
  expect(md.runtimeVersion).toMatch(/^\d+\.\d+\.\d+/);
  expect(md.extended.daprRuntimeVersion).toBe(md.runtimeVersion);

  const byName = new Map(md.components.map((c) => [c.name, c]));
  expect([...byName.keys()].sort()).toEqual(['actorstore', 'statestore']);
  expect(byName.get('statestore')).toMatchObject({
    name: 'statestore',
    type: 'state.in-memory',
    version: 'v1',
  });
  // daprd adds ACTOR to every store with ETAG and TRANSACTIONAL (runtime.go getComponentsCapabilitesMap),
  // with or without `actorStateStore`.
  for (const name of ['statestore', 'actorstore'])
    expect(byName.get(name)!.capabilities).toEqual(
      expect.arrayContaining(['ETAG', 'TRANSACTIONAL', 'TTL', 'ACTOR']),
    );
});
