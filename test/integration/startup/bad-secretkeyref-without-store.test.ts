import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';

it('a secretKeyRef with no secret store stops start-up naming the file, the component and the field', async () => {
  const { code, output } = await startExpectingExit({
    resources: {
      'secretive.yaml': componentYaml({
        name: 'secretive',
        metadata: [{ name: 'password', secretKeyRef: { name: 'db-secret', key: 'password' } }],
      }),
    },
  });
  expect(code).toBe(1);
  expect(output).toContain('secretive.yaml');
  expect(output).toContain('Component "secretive"');
  expect(output).toContain('metadata.password');
  expect(output).toContain('db-secret');
});
