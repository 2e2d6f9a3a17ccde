import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { startWithStateStore } from '../../helpers/dapr-http.js';
import { resourceDir } from '../../helpers/resources.js';
import { configurationYaml } from './helpers.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const TRACEPARENT = `00-${TRACE_ID}-eee19b7ec3c1b174-01`;

/** An OTLP/gRPC collector: keeps each ExportTraceServiceRequest as raw protobuf bytes. */
async function grpcCollector(): Promise<{
  port: number;
  requests: Buffer[];
  teams: string[];
  close: () => void;
}> {
  const requests: Buffer[] = [];
  const teams: string[] = [];
  const server = new grpc.Server();
  const raw = (b: Buffer) => b;
  server.addService(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
        requests.push(call.request);
        teams.push(...call.metadata.get('x-team').map(String));
        done(null, Buffer.alloc(0)); // an empty ExportTraceServiceResponse
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { port, requests, teams, close: () => server.forceShutdown() };
}

it('exports to OTLP over gRPC and to Zipkin at once', async () => {
  const collector = await grpcCollector();
  const zipkinSpans: { traceId: string; name: string; localEndpoint?: { serviceName?: string } }[] = [];
  const zipkin = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/api/v2/spans')
        zipkinSpans.push(...JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(202);
      res.end();
    });
  });
  await new Promise<void>((r) => zipkin.listen(0, '127.0.0.1', r));
  try {
    using cfg = resourceDir({
      'config.yaml': configurationYaml(`tracing:
  samplingRate: "1"
  zipkin:
    endpointAddress: http://127.0.0.1:${(zipkin.address() as AddressInfo).port}/api/v2/spans
  otel:
    endpointAddress: 127.0.0.1:${collector.port}
    protocol: grpc
    isSecure: false
    headers:
    - x-team=orders`),
    });
    await using p = await startWithStateStore({
      appId: 'exporter',
      args: ['--config', `${cfg.dir}/config.yaml`],
    });
    const res = await p.fetch('/v1.0/state/statestore', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
      body: JSON.stringify([{ key: 'k', value: 1 }]),
    });
    expect(res.status).toBe(204);
    const deadline = Date.now() + 15_000;
    const traceBytes = Buffer.from(TRACE_ID, 'hex');
    while (Date.now() < deadline) {
      const grpcGot = collector.requests.some((b) => b.includes(traceBytes));
      const zipkinGot = zipkinSpans.filter((s) => s.traceId === TRACE_ID).length >= 2;
      if (grpcGot && zipkinGot) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(collector.requests.some((b) => b.includes(traceBytes))).toBe(true);
    expect(collector.requests.some((b) => b.includes(Buffer.from('/v1.0/state/statestore')))).toBe(true);
    expect(collector.teams[0]).toBe('orders'); // otel.headers sent as gRPC metadata
    const names = zipkinSpans.filter((s) => s.traceId === TRACE_ID).map((s) => s.name);
    expect(names.sort()).toEqual(['/v1.0/state/statestore', 'set statestore']);
    expect(zipkinSpans[0].localEndpoint?.serviceName).toBe('exporter');
  } finally {
    collector.close();
    zipkin.closeAllConnections();
    zipkin.close();
  }
});
