import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';

it('a secretKeyRef to a secret store scoped to other apps fails start-up: the store is not loaded for this app', async () => {
  const component = componentYaml({
    name: 'orders',
    metadata: [{ name: 'password', secretKeyRef: { name: 'ORDERS_PW', key: 'ORDERS_PW' } }],
  }).replace('kind: Component\n', 'kind: Component\nauth:\n  secretStore: envsecrets\n');
  const { code, output } = await startExpectingExit({
    appId: 'frontend',
    resources: {
      'orders.yaml': component,
      'secrets.yaml': componentYaml({
        name: 'envsecrets',
        type: 'secretstores.local.env',
        scopes: ['backend'],
      }),
    },
    env: { ORDERS_PW: 'orders-pw-never-logged' },
  });
  expect(code).toBe(1);
  expect(output).toContain('Component "orders"');
  expect(output).toContain('metadata.password');
  expect(output).toContain('secret store "envsecrets"');
  expect(output).toContain('not loaded');
  expect(output).not.toContain('orders-pw-never-logged');
});
