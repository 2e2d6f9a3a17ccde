import { expect, it } from 'vitest';
import { TestGrpcClient } from '../../../src/api/grpc/testing.js';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { pubsubYaml, TestApp, waitForSubscriptions } from './helpers.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

// docs.dapr.io "W3C trace context": for gRPC requests Dapr uses the `grpc-trace-bin` header.
it('a gRPC publish carrying grpc-trace-bin reaches the subscriber in that trace', async () => {
  await using app = await TestApp.start([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]);
  await using p = await DaprtsProcess.start({
    appId: 'grpcbin',
    resources: { 'pubsub.yaml': pubsubYaml() },
    args: ['--app-port', String(app.port)],
  });
  await waitForSubscriptions(p, 1);
  const c = new TestGrpcClient(p.grpcPort);
  try {
    const traceBin = Buffer.concat([
      Buffer.from([0, 0]),
      Buffer.from(TRACE_ID, 'hex'),
      Buffer.from([1]),
      Buffer.from(SPAN_ID, 'hex'),
      Buffer.from([2, 1]),
    ]);
    await c.call(
      'PublishEvent',
      {
        pubsubName: 'pubsub',
        topic: 'orders',
        data: Buffer.from('{"id":1}'),
        dataContentType: 'application/json',
      },
      { 'grpc-trace-bin': traceBin },
    );
  } finally {
    c.close();
  }
  const [delivery] = await app.waitForDeliveries(1);
  expect(String(delivery.body.traceparent)).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  expect(String(delivery.headers.traceparent)).toMatch(new RegExp(`^00-${TRACE_ID}-`));
});
