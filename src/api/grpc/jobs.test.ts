import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Server,
  ServerCredentials,
  status as Code,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime } from '../../index.js';
import { createLogger } from '../../diagnostics/logger.js';
import { SqliteJobStore } from '../../components/scheduler/sqlite/index.js';
import { VALUE_TYPE_URL } from '../../components/scheduler/interface.js';
import { JobEngine } from '../../scheduler/engine.js';
import { GrpcAppChannel } from '../../runtime/grpc-app/channel.js';
import { grpcJobTrigger } from '../../runtime/grpc-app/job-trigger.js';
import { JobsApi } from '../universal/jobs.js';
import { jobRpcs } from './handlers/jobs.js';
import { daprProtos } from './protos.js';
import { GrpcApiServer } from './server.js';
import { TestGrpcClient } from './testing.js';
import { decodeValue, encodeValue } from './wire.js';

const logger = createLogger({ appId: 'jobsapp', level: 'silent' });

describe('Jobs API over gRPC, and job triggers to a gRPC app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daprts-grpc-jobs-'));
  let store: SqliteJobStore;
  let api: JobsApi;
  let server: GrpcApiServer;
  let client: TestGrpcClient;
  let app: Server;
  let engine: JobEngine;
  let channel: GrpcAppChannel;
  const triggered: { name: string; data: unknown; method: string }[] = [];

  beforeAll(async () => {
    store = new SqliteJobStore({
      name: 'scheduler',
      type: 'scheduler.sqlite',
      version: 'v1',
      metadata: { connectionString: join(dir, 'jobs.db'), pollInterval: '50ms' },
      appId: 'jobsapp',
      namespace: '',
      logger,
      dataDir: dir,
      now: Date.now,
    });
    await store.init();
    api = new JobsApi({ appId: 'jobsapp', namespace: '', store, logger });
    server = new GrpcApiServer({
      rpcs: { unary: jobRpcs(() => api) },
      logger,
      maxMessageBytes: 4 << 20,
      serving: () => true,
    });
    client = new TestGrpcClient(await server.listen(0));
    // A gRPC app implementing AppCallbackAlpha.OnJobEventAlpha1.
    app = new Server();
    app.addService(daprProtos().appCallbackAlpha, {
      OnJobEventAlpha1: (
        call: ServerUnaryCall<
          { name: string; data: { type_url: string; value: Buffer }; method: string },
          unknown
        >,
        cb: sendUnaryData<unknown>,
      ) => {
        const { name, data, method } = call.request;
        triggered.push({
          name,
          method,
          data: data.type_url === VALUE_TYPE_URL ? decodeValue(data.value) : data,
        });
        cb(null, {});
      },
    });
    const appPort = await new Promise<number>((resolve, reject) =>
      app.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    channel = new GrpcAppChannel({ host: '127.0.0.1', port: appPort });
    engine = new JobEngine({ store, scope: api.scope, trigger: grpcJobTrigger(channel, logger), logger });
    api.attachEngine(engine);
    engine.start();
  });

  afterAll(async () => {
    await engine.stop();
    channel.close();
    client.close();
    await server.close(100);
    app.forceShutdown();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const valueAny = (v: unknown) => ({ type_url: VALUE_TYPE_URL, value: encodeValue(v) });

  it('schedules, gets, lists and deletes on the alpha and stable names', async () => {
    await client.call('ScheduleJobAlpha1', {
      job: { name: 'nightly', schedule: '@daily', data: valueAny({ report: 'sales', n: 3 }) },
    });
    await client.call('ScheduleJob', {
      job: {
        name: 'later',
        schedule: '@every 1h',
        dueTime: '1h',
        repeats: 2,
        failurePolicy: { constant: { interval: { seconds: 2, nanos: 500_000_000 }, maxRetries: 4 } },
      },
    });
    const got = await client.call<{
      job: Record<string, unknown> & { data: { type_url: string; value: Buffer } };
    }>('GetJob', { name: 'nightly' });
    expect(got.job).toMatchObject({ name: 'nightly', schedule: '@daily' });
    expect(decodeValue(got.job.data.value)).toEqual({ report: 'sales', n: 3 });
    const later = await client.call<{ job: Record<string, unknown> }>('GetJobAlpha1', { name: 'later' });
    expect(later.job).toMatchObject({
      schedule: '@every 1h',
      dueTime: '1h',
      repeats: 2,
      failurePolicy: { constant: { interval: { seconds: 2, nanos: 500_000_000 }, maxRetries: 4 } },
    });
    // Data given as a JSON Value over gRPC reads back as JSON over HTTP (the store keeps JSON text).
    expect((await api.getJob('nightly')).data?.value.toString()).toBe('{"report":"sales","n":3}');
    const list = await client.call<{ jobs: { name: string }[] }>('ListJobs', {});
    expect(list.jobs.map((j) => j.name).sort()).toEqual(['later', 'nightly']);
    await client.call('DeleteJob', { name: 'nightly' });
    await client.call('DeleteJobsByPrefixAlpha1', { namePrefix: 'lat' });
    expect((await client.call<{ jobs: unknown[] }>('ListJobsAlpha1', {})).jobs).toEqual([]);
  });

  it('maps errors as the HTTP API does', async () => {
    await expect(client.call('ScheduleJob', {})).rejects.toMatchObject({
      code: Code.INVALID_ARGUMENT,
      details: 'Job is empty',
    });
    await expect(client.call('ScheduleJob', { job: { name: 'x' } })).rejects.toMatchObject({
      code: Code.INVALID_ARGUMENT,
      details: 'Schedule is empty',
    });
    await client.call('ScheduleJob', { job: { name: 'dup', schedule: '@daily' } });
    await expect(
      client.call('ScheduleJob', { job: { name: 'dup', schedule: '@daily' } }),
    ).rejects.toMatchObject({
      code: Code.ALREADY_EXISTS,
    });
    await expect(client.call('GetJob', { name: 'missing' })).rejects.toMatchObject({ code: Code.INTERNAL });
  });

  it('triggers a due job on the gRPC app with its data', async () => {
    await client.call('ScheduleJob', { job: { name: 'now', dueTime: '0s', data: valueAny('ping') } });
    await expect.poll(() => triggered.length, { timeout: 5000 }).toBe(1);
    expect(triggered[0]).toEqual({ name: 'now', method: 'job/now', data: 'ping' });
  });
});

describe('the runtime: Jobs over its gRPC API, triggers to its gRPC app', () => {
  it('schedules with ScheduleJob and the job fires on OnJobEventAlpha1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daprts-grpc-jobs-rt-'));
    const fired: string[] = [];
    const app = new Server();
    app.addService(daprProtos().appCallbackAlpha, {
      OnJobEventAlpha1: (call: ServerUnaryCall<{ name: string }, unknown>, cb: sendUnaryData<unknown>) => {
        fired.push(call.request.name);
        cb(null, {});
      },
    });
    const appPort = await new Promise<number>((resolve, reject) =>
      app.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    const rt = await startRuntime({
      appId: 'grpc-jobs-rt',
      appPort,
      appProtocol: 'grpc',
      dataDir: dir,
      components: [{ name: 'statestore', type: 'state.in-memory' }],
    });
    const c = new TestGrpcClient(rt.grpcPort);
    try {
      await c.call('ScheduleJob', { job: { name: 'soon', dueTime: '0s' } });
      await expect.poll(() => fired, { timeout: 10_000 }).toEqual(['soon']);
    } finally {
      c.close();
      await rt.close();
      app.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
