import type { Metadata } from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { TestGrpcClient } from '../../../src/api/grpc/testing.js';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { otlpTracingConfigDir, OtlpReceiver } from './helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

// docs.dapr.io "Distributed tracing" / "W3C trace context": gRPC API calls are traced like HTTP
// ones (the caller's context from `grpc-trace-bin` or `traceparent`, the component call a child
// span), and the response carries the call's context in `grpc-trace-bin`.
it('a gRPC API call is a span in the caller trace, with its component call as a child', async () => {
  await using receiver = await OtlpReceiver.start();
  using cfg = otlpTracingConfigDir(receiver);
  await using p = await DaprtsProcess.start({
    appId: 'grpctraced',
    resources: { 'statestore.yaml': inMemoryStateYaml() },
    args: ['--config', `${cfg.dir}/config.yaml`],
  });
  const c = new TestGrpcClient(p.grpcPort);
  let headers: Metadata | undefined;
  try {
    headers = await c.callHeaders(
      'SaveState',
      { storeName: 'statestore', states: [{ key: 'k', value: Buffer.from('1') }] },
      { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
    );
  } finally {
    c.close();
  }
  const bin = headers?.get('grpc-trace-bin')[0];
  expect(Buffer.isBuffer(bin) ? bin.toString('hex', 2, 18) : bin).toBe(TRACE_ID);
  await receiver.waitForSpans(2);
  const api = receiver.spans.find((s) => s.parentSpanId === CALLER_SPAN);
  expect(api?.traceId).toBe(TRACE_ID);
  expect(api?.name).toBe('/dapr.proto.runtime.v1.Dapr/SaveState');
  expect(receiver.spans.some((s) => s.parentSpanId === api?.spanId && s.traceId === TRACE_ID)).toBe(true);
});
