import { expect, it } from 'vitest';
import { componentYaml, startExpectingExit } from '../../helpers/resources.js';

it('an envRef naming an Object member (constructor) is an unset variable: start-up error, not a function as the value', async () => {
  const { code, output } = await startExpectingExit({
    resources: {
      'pubsub.yaml': componentYaml({
        name: 'pubsub',
        type: 'pubsub.in-memory',
        metadata: [{ name: 'allowedTopics', envRef: 'constructor' }],
      }),
    },
  });
  expect(code).toBe(1);
  expect(output).toContain('Component "pubsub"');
  expect(output).toContain('metadata.allowedTopics');
  expect(output).toContain('environment variable constructor (envRef) is not set');
});
