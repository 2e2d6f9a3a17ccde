import { expect, it } from 'vitest';
import { componentYaml, isRegistered, startExpectingExit } from '../../helpers/resources.js';

it.skipIf(!isRegistered('state.redis'))(
  'a component whose init fails stops start-up with exit 1 naming it',
  async () => {
    const { code, output } = await startExpectingExit({
      resources: {
        'ok.yaml': componentYaml({ name: 'ok' }),
        'redis.yaml': componentYaml({
          name: 'unreachable',
          type: 'state.redis',
          metadata: [{ name: 'redisHost', value: '127.0.0.1:1' }],
        }),
      },
    });
    expect(code).toBe(1);
    expect(output).toContain('redis.yaml');
    expect(output).toContain('Component "unreachable"');
    expect(output).toContain('127.0.0.1:1');
  },
);
