import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectValue, saveState } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

it('a component whose scopes exclude the app is not loaded: absent from metadata, 400 on use', async () => {
  await using p = await DaprtsProcess.start({
    appId: 'app-a',
    resources: {
      'open.yaml': componentYaml({ name: 'open' }),
      'scoped.yaml': componentYaml({ name: 'scoped', scopes: ['app-b', 'app-c'] }),
    },
  });

  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    components: { name: string }[];
  };
  expect(md.components.map((c) => c.name)).toEqual(['open']);
  await expectDaprError(
    await saveState(p, [{ key: 'k', value: 1 }], { store: 'scoped' }),
    400,
    'ERR_STATE_STORE_NOT_FOUND',
  );
});
