import { randomUUID } from 'node:crypto';
import { status as Code } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../index.js';
import { richStatus, TestGrpcClient } from './testing.js';

describe('gRPC publish errors as daprd answers them (Redis)', () => {
  let rt: Runtime;
  let client: TestGrpcClient;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    rt = await startRuntime({
      appId: 'grpc-pubsub-errors',
      components: [{ name: 'pubsub', type: 'pubsub.redis', metadata: { redisHost: '127.0.0.1:6379' } }],
    });
    client = new TestGrpcClient(rt.grpcPort);
  });

  afterAll(async () => {
    client.close();
    await rt.close();
    redis.disconnect();
  });

  it('bulk publish with failed entries is an error: INTERNAL ERR_PUBSUB_PUBLISH_MESSAGE, both RPC names', async () => {
    // A topic whose Redis key is not a stream: every XADD fails with WRONGTYPE.
    const topic = `daprts-grpc-bulk-fail-${randomUUID()}`;
    await redis.set(topic, 'not a stream', 'EX', 120);
    try {
      for (const rpcName of ['BulkPublishEventAlpha1', 'BulkPublishEvent']) {
        const err = await client
          .call(rpcName, {
            pubsubName: 'pubsub',
            topic,
            entries: [
              { entryId: '1', event: Buffer.from('one'), contentType: 'text/plain' },
              { entryId: '2', event: Buffer.from('{"n":2}'), contentType: 'application/json' },
            ],
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(err).toMatchObject({ code: Code.INTERNAL });
        const message = (err as { details: string }).details;
        expect(message).toMatch(
          new RegExp(`^error when publishing to topic ${topic} in pubsub pubsub: .*WRONGTYPE`),
        );
        const status = richStatus(err);
        expect(status?.details.map((d) => d['@type'])).toEqual([
          'type.googleapis.com/google.rpc.ResourceInfo',
          'type.googleapis.com/google.rpc.ErrorInfo',
        ]);
        expect(status?.details[1]).toMatchObject({ reason: 'DAPR_PUBSUB_PUBLISH_MESSAGE' });
      }
    } finally {
      await redis.del(topic);
    }
  });

  it('bulk publish that succeeds answers an empty failedEntries', async () => {
    const topic = `daprts-grpc-bulk-ok-${randomUUID()}`;
    try {
      const res = await client.call('BulkPublishEventAlpha1', {
        pubsubName: 'pubsub',
        topic,
        entries: [{ entryId: '1', event: Buffer.from('one'), contentType: 'text/plain' }],
      });
      expect(res).toEqual({ failedEntries: [] });
    } finally {
      await redis.del(topic);
    }
  });

  it('unknown pubsub: the ErrorInfo carries no request metadata on gRPC', async () => {
    for (const [rpcName, req] of [
      [
        'PublishEvent',
        { pubsubName: 'nope', topic: 't', data: Buffer.from('x'), metadata: { ttlInSeconds: '5' } },
      ],
      [
        'BulkPublishEventAlpha1',
        { pubsubName: 'nope', topic: 't', entries: [], metadata: { ttlInSeconds: '5' } },
      ],
    ] as const) {
      const err = await client.call(rpcName, req).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: Code.INVALID_ARGUMENT, details: 'pubsub nope is not found' });
      expect(richStatus(err)?.details).toEqual([
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'DAPR_PUBSUB_NOT_FOUND',
          domain: 'dapr.io',
        },
      ]);
    }
  });
});
