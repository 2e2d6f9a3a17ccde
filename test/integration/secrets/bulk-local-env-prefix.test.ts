import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectJson, getBulkSecret, localEnvStoreYaml } from '../../helpers/secrets.js';

it('local.env with prefix: bulk lists only the prefixed variables, with the prefix stripped', async () => {
  await using p = await DaprtsProcess.start({
    resources: { 'prefixed.yaml': localEnvStoreYaml('prefixed', 'SECRETS_IT_') },
    env: { SECRETS_IT_ONE: 'v1', SECRETS_IT_TWO: 'v2', SECRETS_IT: 'prefix-only', OTHER_SECRETS_IT_X: 'x' },
  });

  const bulk = await expectJson<Record<string, Record<string, string>>>(await getBulkSecret(p, 'prefixed'));
  expect(bulk).toEqual({ ONE: { ONE: 'v1' }, TWO: { TWO: 'v2' } });
});
