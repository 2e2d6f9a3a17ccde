import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';

it('an envRef naming an unset variable fails start-up naming the file, component, field and variable', async () => {
  const { code, output } = await startExpectingExit({
    resources: {
      'env.yaml': componentYaml({
        name: 'envstore',
        metadata: [{ name: 'keyPrefix', envRef: 'IT_SURELY_UNSET_VAR' }],
      }),
    },
  });
  expect(code).toBe(1);
  expect(output).toContain('env.yaml');
  expect(output).toContain('Component "envstore"');
  expect(output).toContain('metadata.keyPrefix');
  expect(output).toContain('IT_SURELY_UNSET_VAR');
});
