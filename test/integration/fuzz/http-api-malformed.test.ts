import { it } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { componentYaml } from '../../helpers/resources.js';
import {
  localEnvStoreYaml,
  localFileStoreYaml,
  secretFiles,
  secretsConfigYaml,
} from '../../helpers/secrets.js';
import { fuzz, stillServesState } from './run.js';

const DENIED_VALUE = 'fuzz-denied-value-0b5e';

it('malformed paths, bodies, headers and metadata on every HTTP route: no crash, no hang, no bare 5xx, nothing leaked', async () => {
  using files = secretFiles(
    { 'api-key': 'fuzz-secret-value', nested: { inner: DENIED_VALUE } },
    secretsConfigYaml([{ storeName: 'secretstore', deniedSecrets: ['nested:inner'] }]),
  );
  await using p = await DaprtsProcess.start({
    resources: {
      'statestore.yaml': inMemoryStateYaml(),
      'pubsub.yaml': componentYaml({
        name: 'pubsub',
        type: 'pubsub.in-memory',
        metadata: [{ name: 'protectedTopics', value: 'orders' }],
      }),
      'secretstore.yaml': localFileStoreYaml('secretstore', files.secretsFile),
      // A prefix keeps the store to the variables set here (the runner's environment holds paths).
      'envsecrets.yaml': localEnvStoreYaml('envsecrets', 'FUZZ_IT_'),
    },
    args: ['--config', files.configFile],
    env: { FUZZ_IT_TOKEN: 'fuzz-env-value' },
  });

  const histogram = await fuzz(p, {
    seed: 0x5eedda9,
    count: 1500,
    concurrency: 6,
    timeoutMs: 5_000,
    names: {
      stateStore: 'statestore',
      pubsub: 'pubsub',
      secretStores: ['secretstore', 'envsecrets'],
      secretNames: ['api-key', 'nested:inner', 'TOKEN'],
    },
    // Denied by the Configuration: no answer may ever carry it (nor the secrets file's path).
    secrets: [DENIED_VALUE, files.dir],
  });
  console.log('fuzz statuses', histogram);
  await stillServesState(p);
});
