import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectStatus } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

it('bulk publish with failed entries: 500 and exactly {"failedEntries":[{entryId,error}],"errorCode"} as in the docs', async () => {
  // A topic whose Redis key is not a stream: every XADD fails with WRONGTYPE.
  const topic = `daprts-it-bulk-fail-${randomUUID()}`;
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  await redis.set(topic, 'not a stream', 'EX', 120);
  try {
    await using p = await DaprtsProcess.start({
      resources: {
        'pubsub.yaml': componentYaml({
          name: 'pubsub',
          type: 'pubsub.redis',
          metadata: [{ name: 'redisHost', value: '127.0.0.1:6379' }],
        }),
      },
    });
    const res = await p.fetch(`/v1.0-alpha1/publish/bulk/pubsub/${topic}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { entryId: 'ae6bf7c6', event: 'first text message', contentType: 'text/plain' },
        { entryId: 'b1f40bd6', event: { message: 'second JSON message' }, contentType: 'application/json' },
      ]),
    });
    const text = await expectStatus(res, 500);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = JSON.parse(text) as { failedEntries: { entryId: string; error: string }[] };
    expect(Object.keys(body).sort()).toEqual(['errorCode', 'failedEntries']);
    expect(body).toMatchObject({ errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE' });
    expect(body.failedEntries.map((e) => e.entryId).sort()).toEqual(['ae6bf7c6', 'b1f40bd6']);
    for (const e of body.failedEntries) {
      expect(Object.keys(e).sort()).toEqual(['entryId', 'error']);
      expect(e.error).toContain('WRONGTYPE');
    }
    // daprd also sets the response as `metadata.responseData` and the error as `metadata.error`.
    expect(JSON.parse(res.headers.get('metadata.responseData') ?? '')).toEqual(body);
    expect(res.headers.get('metadata.error')).toMatch(
      new RegExp(
        `^api error: code = Internal desc = error when publishing to topic ${topic} in pubsub pubsub: .*WRONGTYPE`,
      ),
    );
  } finally {
    await redis.del(topic);
    redis.disconnect();
  }
});
