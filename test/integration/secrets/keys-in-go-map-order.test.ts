import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectStatus } from '../../helpers/dapr-http.js';
import { getBulkSecret, getSecret, localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';

// daprd answers the secrets API with Go maps through encoding/json, which writes their keys sorted
// (pkg/api/http/secrets.go: map[string]string, and map[string]map[string]string for bulk).
it('secrets GET and bulk write their keys in sorted order, as daprd', async () => {
  using files = secretFiles({
    zeta: { z: '1', b: '2', a: '3' },
    alpha: 'single',
    mid: { y: 'y', x: 'x' },
  });
  await using p = await DaprtsProcess.start({
    resources: {
      'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile, { multiValued: true }),
    },
  });

  expect(await expectStatus(await getSecret(p, 'localsecrets', 'zeta'), 200)).toBe(
    '{"a":"3","b":"2","z":"1"}',
  );
  expect(await expectStatus(await getBulkSecret(p, 'localsecrets'), 200)).toBe(
    '{"alpha":{"alpha":"single"},"mid":{"x":"x","y":"y"},"zeta":{"a":"3","b":"2","z":"1"}}',
  );
});
