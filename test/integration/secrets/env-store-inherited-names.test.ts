import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectJson, getSecret, localEnvStoreYaml } from '../../helpers/secrets.js';

it('local.env: names of Object members (constructor, __proto__, toString) are unset variables: {name: ""}', async () => {
  await using p = await DaprtsProcess.start({ resources: { 'env.yaml': localEnvStoreYaml('envsecrets') } });

  // daprd's os.Getenv: an unset variable is an empty value, whatever its name.
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    expect(await expectJson(await getSecret(p, 'envsecrets', name)), name).toEqual({ [name]: '' });
  }
});
