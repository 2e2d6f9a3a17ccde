import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';

it('a file with invalid YAML stops start-up with exit 1 and names the file', async () => {
  const { code, output } = await startExpectingExit({
    resources: {
      'good.yaml': componentYaml({ name: 'good' }),
      'broken.yaml':
        'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: [unclosed\nspec: {type: state.in-memory\n',
    },
  });
  expect(code).toBe(1);
  expect(output).toContain('broken.yaml');
  expect(output).toMatch(/document 1/);
  expect(output).toMatch(/invalid YAML/i);
});
