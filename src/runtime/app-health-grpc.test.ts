import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, status as Code, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../index.js';
import { daprProtos } from '../api/grpc/protos.js';
import { ManualClock } from '../resiliency/clock.js';
import { TestGrpcClient } from '../api/grpc/testing.js';

/**
 * App health checks on a gRPC app (`AppCallbackHealthCheck.HealthCheck`), with the probe interval
 * on a manual clock: each `probe()` fires one probe and waits for its answer to be applied.
 */
describe('app health checks on a gRPC app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daprts-apphealth-grpc-'));
  const clock = new ManualClock();
  const state = { healthy: false, probes: 0, listed: 0 };
  const events: string[] = [];
  let app: Server;
  let rt: Runtime;

  /** Advances the clock one interval and waits until that probe was answered and acted on. */
  async function probe(): Promise<void> {
    const before = state.probes;
    await clock.advance(1000);
    await until(() => state.probes > before && clock.timers === 1);
  }

  beforeAll(async () => {
    app = new Server();
    app.addService(daprProtos().appCallbackHealthCheck, {
      HealthCheck: (_call: unknown, cb: (err: unknown, res?: unknown) => void) => {
        state.probes++;
        if (state.healthy) cb(null, {});
        else cb({ code: Code.UNAVAILABLE, details: 'not ready' });
      },
    } as UntypedServiceImplementation);
    app.addService(daprProtos().appCallback, {
      ListTopicSubscriptions: (_call: unknown, cb: (err: unknown, res?: unknown) => void) => {
        state.listed++;
        cb(null, { subscriptions: [{ pubsubName: 'pubsub', topic: 'orders' }] });
      },
      OnTopicEvent: (call: { request: { data: Buffer } }, cb: (err: unknown, res?: unknown) => void) => {
        events.push(Buffer.from(call.request.data).toString('utf8'));
        cb(null, { status: 'SUCCESS' });
      },
    } as UntypedServiceImplementation);
    const appPort = await new Promise<number>((resolve, reject) =>
      app.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    rt = await startRuntime({
      appId: 'apphealth-grpc',
      appPort,
      appProtocol: 'grpc',
      httpPort: 0,
      grpcPort: 0,
      logLevel: 'silent',
      components: [
        { name: 'pubsub', type: 'pubsub.sqlite', metadata: { connectionString: join(dir, 'pubsub.db') } },
      ],
      dataDir: dir,
      appHealthCheck: { path: '/healthz', intervalMs: 1000, timeoutMs: 500, threshold: 2 },
      appHealthClock: clock,
    });
    // The first probe runs as soon as the app port answers.
    await until(() => state.probes === 1 && clock.timers === 1);
  });

  afterAll(async () => {
    await rt?.close();
    app?.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  async function publish(text: string): Promise<void> {
    const res = await fetch(`${rt.httpUrl}/v1.0/publish/pubsub/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: text,
    });
    expect(res.status).toBe(204);
  }

  it('reports the health block without a path (gRPC) in the metadata', () => {
    expect(rt.metadata().appConnectionProperties).toMatchObject({
      protocol: 'grpc',
      health: { healthProbeInterval: '1s', healthProbeTimeout: '500ms', healthThreshold: 2 },
    });
    expect(rt.metadata().appConnectionProperties?.health).not.toHaveProperty('healthCheckPath');
  });

  it('reports it over gRPC GetMetadata too', async () => {
    const client = new TestGrpcClient(rt.grpcPort);
    try {
      const md = await client.call<{ appConnectionProperties: { health: unknown } }>('GetMetadata', {});
      expect(md.appConnectionProperties.health).toEqual({
        healthCheckPath: '',
        healthProbeInterval: '1s',
        healthProbeTimeout: '500ms',
        healthThreshold: 2,
      });
    } finally {
      client.close();
    }
  });

  it('subscribes only after the first successful probe, pauses while unhealthy and loses nothing', async () => {
    await publish('one');
    await probe();
    await new Promise((r) => setTimeout(r, 300));
    expect(state.listed).toBe(0);
    expect(events).toEqual([]);

    state.healthy = true;
    await probe();
    await until(() => events.length === 1);
    expect(state.listed).toBe(1);
    expect(events).toEqual(['one']);

    state.healthy = false;
    await probe();
    await publish('two'); // one failure of two: still subscribed
    await until(() => events.length === 2);
    await probe(); // second failure: unhealthy, unsubscribed
    await publish('three');
    await new Promise((r) => setTimeout(r, 500));
    expect(events).toEqual(['one', 'two']);

    state.healthy = true;
    await probe();
    await until(() => events.length === 3);
    expect(events).toEqual(['one', 'two', 'three']);
    expect(state.listed).toBe(1); // the subscriptions are read once
  });
});

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
