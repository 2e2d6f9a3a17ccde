import {
  Server,
  ServerCredentials,
  status as Code,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../diagnostics/logger.js';
import { daprProtos } from '../../api/grpc/protos.js';
import { GrpcAppChannel } from './channel.js';
import { GrpcAppDelivery } from './delivery.js';

const logger = createLogger({ appId: 't', level: 'silent' });
type Unary = (call: ServerUnaryCall<Record<string, unknown>, unknown>, cb: sendUnaryData<unknown>) => void;

/** A gRPC app serving the given AppCallback / AppCallbackHealthCheck methods (others UNIMPLEMENTED). */
async function app(callback: Record<string, Unary>, health?: Unary) {
  const server = new Server();
  server.addService(daprProtos().appCallback, callback as UntypedServiceImplementation);
  if (health) server.addService(daprProtos().appCallbackHealthCheck, { HealthCheck: health });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { server, port };
}

const event = {
  id: 'e1',
  source: 's',
  type: 't',
  specversion: '1.0',
  datacontenttype: 'text/plain',
  data: 'hi',
};

describe('GrpcAppDelivery', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });
  const connect = (port: number, token?: string) => {
    const channel = new GrpcAppChannel({ host: '127.0.0.1', port, appApiToken: token });
    cleanup.push(() => channel.close());
    return new GrpcAppDelivery(channel, logger);
  };

  it('reads TopicEventResponse like the HTTP table and forwards metadata and the app token', async () => {
    const seen: Record<string, unknown>[] = [];
    const answers = ['SUCCESS', 'RETRY', 'DROP', 7];
    const a = await app({
      OnTopicEvent: (call, cb) => {
        seen.push({ ...call.request, md: call.metadata.getMap() });
        cb(null, { status: answers[seen.length - 1] });
      },
    });
    cleanup.push(() => a.server.forceShutdown());
    const d = connect(a.port, 'app-secret');
    const req = {
      pubsubName: 'ps',
      topic: 'orders',
      path: '/orders',
      event,
      metadata: { 'x-key': 'v', 'bad key': 'x', 'Content-Type': 'text/plain', 'content-length': '2' },
    };
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await d.deliverEvent(req)).outcome);
    expect(outcomes).toEqual(['SUCCESS', 'RETRY', 'DROP', 'RETRY']);
    expect(seen[0]).toMatchObject({ id: 'e1', topic: 'orders', pubsubName: 'ps', path: '/orders' });
    expect((seen[0].data as Buffer).toString()).toBe('hi');
    // The message metadata plus the pubsub's name, without content type/length (daprd's
    // WithCustomGRPCMetadata of the subscribed message's metadata).
    expect(seen[0].md).toMatchObject({ 'x-key': 'v', pubsubname: 'ps', 'dapr-api-token': 'app-secret' });
    expect(seen[0].md).not.toHaveProperty('bad key');
    expect(seen[0].md).not.toHaveProperty('content-length');
  });

  it('UNIMPLEMENTED OnTopicEvent drops; other errors reject (retried by the caller)', async () => {
    const a = await app({});
    cleanup.push(() => a.server.forceShutdown());
    const d = connect(a.port);
    const req = { pubsubName: 'ps', topic: 't', path: '', event, metadata: {} };
    expect((await d.deliverEvent(req)).outcome).toBe('DROP');
    a.server.forceShutdown();
    await expect(d.deliverEvent(req)).rejects.toMatchObject({ code: Code.UNAVAILABLE });
  });

  it('lists subscriptions: routes, defaults, dead letter, bulk; none when UNIMPLEMENTED', async () => {
    const a = await app({
      ListTopicSubscriptions: (_call, cb) =>
        cb(null, {
          subscriptions: [
            {
              pubsubName: 'ps',
              topic: 'a',
              routes: { rules: [{ match: 'event.type == "x"', path: '/x' }], default: '/d' },
              deadLetterTopic: 'dlq',
              metadata: { rawPayload: 'true' },
              bulkSubscribe: { enabled: true, maxMessagesCount: 5, maxAwaitDurationMs: 0 },
            },
            { pubsubName: 'ps', topic: 'b' },
          ],
        }),
    });
    cleanup.push(() => a.server.forceShutdown());
    const [first, second] = await connect(a.port).listSubscriptions();
    expect(first).toMatchObject({
      type: 'PROGRAMMATIC',
      topic: 'a',
      deadLetterTopic: 'dlq',
      metadata: { rawPayload: 'true' },
      bulkSubscribe: { enabled: true, maxMessagesCount: 5, maxAwaitDurationMs: 1000 },
    });
    expect(first.rules.map((r) => r.path)).toEqual(['/x', '/d']);
    expect(second.rules).toEqual([{ match: '', path: '' }]);
    const none = await app({});
    cleanup.push(() => none.server.forceShutdown());
    expect(await connect(none.port).listSubscriptions()).toEqual([]);
  });

  it('bulk: the request and call metadata carry the pubsub name, as daprd bulk messages do', async () => {
    const seen: Record<string, unknown>[] = [];
    const a = await app({
      OnBulkTopicEvent: (call, cb) => {
        seen.push({ ...call.request, md: call.metadata.getMap() });
        const entries = call.request.entries as { entryId: string }[];
        cb(null, { statuses: entries.map((e) => ({ entryId: e.entryId, status: 'SUCCESS' })) });
      },
    });
    cleanup.push(() => a.server.forceShutdown());
    const statuses = await connect(a.port).deliverBulk({
      pubsubName: 'ps',
      topic: 'orders',
      path: '/bulk',
      rawPayload: false,
      entries: [
        { entryId: 'a', event, data: Buffer.from(JSON.stringify(event)), contentType: '', metadata: {} },
      ],
    });
    expect([...statuses]).toEqual([['a', 'SUCCESS']]);
    expect(seen[0]).toMatchObject({
      topic: 'orders',
      pubsubName: 'ps',
      path: '/bulk',
      type: 'com.dapr.event.sent.bulk',
      metadata: { pubsubName: 'ps' },
    });
    expect(seen[0].md).toMatchObject({ pubsubname: 'ps' });
  });

  it('health checks through AppCallbackHealthCheck', async () => {
    const up = await app({}, (_call, cb) => cb(null, {}));
    const down = await app({});
    cleanup.push(
      () => up.server.forceShutdown(),
      () => down.server.forceShutdown(),
    );
    expect(await connect(up.port).healthy()).toBe(true);
    expect(await connect(down.port).healthy()).toBe(false);
  });
});
