import { expect, it } from 'vitest';
import { startExpectingExit } from '../../helpers/resources.js';

it('a Component without spec.type stops start-up naming the file, the component and the field', async () => {
  const yaml =
    'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: notype\nspec:\n  version: v1\n  metadata: []\n';
  const { code, output } = await startExpectingExit({ resources: { 'notype.yaml': yaml } });
  expect(code).toBe(1);
  expect(output).toContain('notype.yaml');
  expect(output).toContain('Component "notype"');
  expect(output).toContain('spec.type');
});
