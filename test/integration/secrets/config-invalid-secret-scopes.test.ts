import { expect, it } from 'vitest';
import { startExpectingExit } from '../../helpers/resources.js';
import { localEnvStoreYaml, secretFiles } from '../../helpers/secrets.js';

const config = (scopes: string) => `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: badsecrets
spec:
  secrets:
    scopes:
${scopes}`;

it('a Configuration whose secret scopes are invalid stops start-up naming the file and the field', async () => {
  for (const [scopes, field, message] of [
    [
      '    - storeName: envsecrets\n      defaultAccess: maybe\n',
      'defaultAccess',
      'defaultAccess can be either allow or deny',
    ],
    [
      '    - storeName: envsecrets\n    - storeName: envsecrets\n      defaultAccess: deny\n',
      'storeName',
      'envsecrets storeName is repeated in secrets configuration',
    ],
  ]) {
    using files = secretFiles({}, config(scopes));
    const { code, output } = await startExpectingExit({
      resources: { 'env.yaml': localEnvStoreYaml('envsecrets') },
      args: ['--config', files.configFile],
    });
    expect(code).toBe(1);
    expect(output).toContain(files.configFile);
    expect(output).toContain(field);
    expect(output).toContain(message);
    // Never a runtime that serves with a weaker policy than the one configured.
    expect(output).not.toMatch(/dapr initialized/);
  }
});
