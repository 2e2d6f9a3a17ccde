import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';

it('an envRef whose value is invalid (keyPrefix with "||") fails start-up, proving the value was used', async () => {
  const { code, output } = await startExpectingExit({
    env: { IT_BAD_PREFIX: 'bad||prefix' },
    resources: {
      'prefixed.yaml': componentYaml({
        name: 'prefixed',
        metadata: [{ name: 'keyPrefix', envRef: 'IT_BAD_PREFIX' }],
      }),
    },
  });
  expect(code).toBe(1);
  expect(output).toContain('prefixed.yaml');
  expect(output).toContain('Component "prefixed"');
  expect(output).toContain('bad||prefix');
});
