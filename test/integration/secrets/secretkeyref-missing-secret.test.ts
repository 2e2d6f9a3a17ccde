import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';
import { localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';

it('a secretKeyRef to a secret the store lacks is a start-up error naming component, field, store and key', async () => {
  using files = secretFiles({ 'other-secret': 'x' });
  const component = componentYaml({
    name: 'orders',
    metadata: [{ name: 'apiKey', secretKeyRef: { name: 'orders-secret', key: 'api-key' } }],
  }).replace('kind: Component\n', 'kind: Component\nauth:\n  secretStore: localsecrets\n');
  const { code, output } = await startExpectingExit({
    resources: {
      'orders.yaml': component,
      'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile),
    },
  });
  expect(code).toBe(1);
  expect(output).toContain('orders.yaml');
  expect(output).toContain('Component "orders"');
  expect(output).toContain('metadata.apiKey');
  expect(output).toContain('secret store "localsecrets"');
  expect(output).toContain('orders-secret/api-key');
  expect(output).not.toMatch(/dapr initialized/);
});
