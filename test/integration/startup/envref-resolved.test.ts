import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectValue } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

it('envRef metadata is read from the environment (a local.env prefix taken from an env var)', async () => {
  await using p = await DaprtsProcess.start({
    env: { IT_PREFIX_FLAG: 'ITENVREF_', ITENVREF_TOKEN: 'from-prefixed-var', TOKEN: 'unprefixed' },
    resources: {
      'store.yaml': componentYaml({
        name: 'envstore',
        type: 'secretstores.local.env',
        metadata: [{ name: 'prefix', envRef: 'IT_PREFIX_FLAG' }],
      }),
    },
  });

  // The prefix came from IT_PREFIX_FLAG: TOKEN is looked up as ITENVREF_TOKEN.
  expect(JSON.parse(await expectValue(await p.fetch('/v1.0/secrets/envstore/TOKEN')))).toEqual({
    TOKEN: 'from-prefixed-var',
  });
});
