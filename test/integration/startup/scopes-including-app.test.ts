import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent, expectValue, saveState } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

it('a component whose scopes include the app is loaded and usable', async () => {
  await using p = await DaprtsProcess.start({
    appId: 'app-a',
    resources: { 'scoped.yaml': componentYaml({ name: 'scoped', scopes: ['app-b', 'app-a'] }) },
  });

  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    components: { name: string }[];
  };
  expect(md.components.map((c) => c.name)).toEqual(['scoped']);
  await expectNoContent(await saveState(p, [{ key: 'k', value: 1 }], { store: 'scoped' }));
});
