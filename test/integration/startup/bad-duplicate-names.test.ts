import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';

it('two Components with the same name stop start-up naming both files and the name', async () => {
  const { code, output } = await startExpectingExit({
    resources: {
      'a-first.yaml': componentYaml({ name: 'twin' }),
      'b-second.yaml': componentYaml({ name: 'twin' }),
    },
  });
  expect(code).toBe(1);
  expect(output).toContain('a-first.yaml');
  expect(output).toContain('b-second.yaml');
  expect(output).toContain('"twin"');
  expect(output).toContain('metadata.name');
});
