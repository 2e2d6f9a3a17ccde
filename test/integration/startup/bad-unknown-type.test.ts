import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';

it('an unknown component type stops start-up naming the file, the component, the field and the type', async () => {
  const { code, output } = await startExpectingExit({
    resources: { 'mystery.yaml': componentYaml({ name: 'mystery', type: 'state.no-such-store' }) },
  });
  expect(code).toBe(1);
  expect(output).toContain('mystery.yaml');
  expect(output).toContain('Component "mystery"');
  expect(output).toContain('spec.type');
  expect(output).toContain('state.no-such-store');
});
