import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';

it('a Component with a wrong apiVersion stops start-up naming the file, the component and the field', async () => {
  const yaml = componentYaml({ name: 'oldstyle' }).replace('dapr.io/v1alpha1', 'dapr.io/v2');
  const { code, output } = await startExpectingExit({ resources: { 'oldstyle.yaml': yaml } });
  expect(code).toBe(1);
  expect(output).toContain('oldstyle.yaml');
  expect(output).toContain('Component "oldstyle"');
  expect(output).toContain('apiVersion');
});
