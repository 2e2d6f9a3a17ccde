import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectValue } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

interface Metadata {
  components: { name: string; type: string; capabilities?: string[] }[];
}

// daprd lists a pubsub's contrib Features() as its capabilities (runtime.go getComponentsCapabilitesMap):
// in-memory SUBSCRIBE_WILDCARDS, mqtt3 SUBSCRIBE_WILDCARDS, rabbitmq MESSAGE_TTL, redis none.
it('GET /v1.0/metadata: pub/sub capabilities are the contrib component features', async () => {
  await using p = await DaprtsProcess.start({
    resources: {
      'memory.yaml': componentYaml({ name: 'memory', type: 'pubsub.in-memory' }),
      'redis.yaml': componentYaml({
        name: 'redis',
        type: 'pubsub.redis',
        metadata: [{ name: 'redisHost', value: '127.0.0.1:6379' }],
      }),
    },
  });
  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as Metadata;
  const byName = new Map(md.components.map((c) => [c.name, c]));
  expect(byName.get('memory')?.capabilities).toEqual(['SUBSCRIBE_WILDCARDS']);
  expect(byName.get('redis')).not.toHaveProperty('capabilities');
});
