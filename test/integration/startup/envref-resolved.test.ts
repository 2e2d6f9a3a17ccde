import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectValue } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

it('envRef metadata is read from the environment (actorStateStore from an env var shows as ACTOR)', async () => {
  await using p = await DaprtsProcess.start({
    env: { IT_ACTOR_FLAG: 'true' },
    resources: {
      'store.yaml': componentYaml({
        name: 'actors',
        metadata: [{ name: 'actorStateStore', envRef: 'IT_ACTOR_FLAG' }],
      }),
    },
  });

  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    components: { name: string; capabilities: string[] }[];
  };
  expect(md.components).toHaveLength(1);
  expect(md.components[0].capabilities).toContain('ACTOR');
});
