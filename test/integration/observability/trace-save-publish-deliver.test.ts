import { expect, it } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { otlpTracingConfigDir, OtlpReceiver, pubsubYaml, TestApp, type ReceivedSpan } from './helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;
const TRACESTATE = 'congo=t61rcWkgMzE';

it('one trace: save state, publish, delivery to the app, the app writes back (OTLP/HTTP)', async () => {
  await using receiver = await OtlpReceiver.start();
  let sidecarUrl = '';
  // The app writes back through the sidecar, forwarding the trace headers it was given.
  await using app = await TestApp.start(
    [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
    async (d) => {
      const res = await fetch(`${sidecarUrl}/v1.0/state/statestore`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: String(d.headers.traceparent),
          tracestate: String(d.headers.tracestate ?? ''),
        },
        body: JSON.stringify([{ key: 'order-written-back', value: d.body.data }]),
      });
      return res.status === 204 ? 200 : 500;
    },
  );
  using cfg = otlpTracingConfigDir(receiver);
  await using p = await DaprtsProcess.start({
    appId: 'tracer',
    resources: { 'statestore.yaml': inMemoryStateYaml(), 'pubsub.yaml': pubsubYaml() },
    args: ['--config', `${cfg.dir}/config.yaml`, '--app-port', String(app.port)],
  });
  sidecarUrl = p.url;
  const polls = await waitSubscribed(p);

  const headers = { 'content-type': 'application/json', traceparent: TRACEPARENT, tracestate: TRACESTATE };
  const save = await p.fetch('/v1.0/state/statestore', {
    method: 'POST',
    headers,
    body: JSON.stringify([{ key: 'order-1', value: { id: 1 } }]),
  });
  expect(save.status).toBe(204);
  // The response names the API span, in the caller's trace.
  expect(save.headers.get('traceparent')).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  const pub = await p.fetch('/v1.0/publish/pubsub/orders', { method: 'POST', headers, body: '{"id":1}' });
  expect(pub.status).toBe(204);

  const [delivery] = await app.waitForDeliveries(1);
  // (The metadata polls of waitSubscribed are traces of their own.)
  await receiver.waitForSpans(7 + polls);
  const spans = receiver.spans.filter((s) => !s.name.startsWith('/v1.0/metadata'));
  expect(spans).toHaveLength(7);
  expect(receiver.contentTypes[0]).toMatch(/application\/json/);
  expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([TRACE_ID]));
  expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['tracer']));

  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const parentOf = (s: ReceivedSpan) => byId.get(s.parentSpanId);
  const one = (pred: (s: ReceivedSpan) => boolean, what: string) => {
    const found = spans.filter(pred);
    expect(found, `${what} in ${JSON.stringify(spans.map((s) => s.name))}`).toHaveLength(1);
    return found[0];
  };
  const saveApi = one(
    (s) => s.name === '/v1.0/state/statestore' && s.parentSpanId === CALLER_SPAN,
    'save API span',
  );
  const publishApi = one((s) => s.name === '/v1.0/publish/pubsub/orders', 'publish API span');
  const writeBackApi = one(
    (s) => s.name === '/v1.0/state/statestore' && s.parentSpanId !== CALLER_SPAN,
    'write-back API span',
  );
  const deliverySpan = one((s) => s.name === 'pubsub/orders', 'delivery span');
  const producer = one((s) => s.name === 'orders publish', 'publish component span');
  const stateCalls = spans.filter((s) => s.name === 'set statestore');
  expect(stateCalls).toHaveLength(2);

  // API spans are children of the caller; component calls are children of their API span.
  expect(publishApi.parentSpanId).toBe(CALLER_SPAN);
  expect(saveApi.kind).toBe(2); // SERVER
  expect(saveApi.attributes).toMatchObject({
    'db.system': 'state',
    'db.name': 'statestore',
    'dapr.api': 'POST /v1.0/state/statestore',
    'dapr.status_code': '204',
  });
  expect(publishApi.attributes).toMatchObject({
    'messaging.system': 'pubsub',
    'messaging.destination.name': 'orders',
  });
  expect(new Set(stateCalls.map((s) => parentOf(s)))).toEqual(new Set([saveApi, writeBackApi]));
  expect(stateCalls[0].attributes).toMatchObject({
    'db.system': 'state',
    'db.name': 'statestore',
    'db.statement': 'set',
  });
  expect(parentOf(producer)).toBe(publishApi);
  expect(producer.kind).toBe(4); // PRODUCER
  expect(producer.attributes).toMatchObject({
    'messaging.system': 'pubsub',
    'messaging.destination.name': 'orders',
  });

  // The delivery is a child of the publish span, and the app's write-back a child of the delivery.
  expect(parentOf(deliverySpan)).toBe(publishApi);
  expect(deliverySpan.attributes).toMatchObject({
    'messaging.system': 'pubsub',
    'messaging.destination.name': 'orders',
  });
  expect(parentOf(writeBackApi)).toBe(deliverySpan);

  // The CloudEvent carries the publish span's W3C context; the delivery headers the delivery span's.
  const ce = delivery.body;
  expect(ce.traceparent).toBe(`00-${TRACE_ID}-${publishApi.spanId}-01`);
  expect(ce.traceid).toBe(ce.traceparent);
  expect(ce.tracestate).toBe(TRACESTATE);
  expect(delivery.headers.traceparent).toBe(`00-${TRACE_ID}-${deliverySpan.spanId}-01`);
  expect(delivery.headers.tracestate).toBe(TRACESTATE);
});

/** Programmatic subscriptions start once the app answered `/dapr/subscribe`: wait for them. */
async function waitSubscribed(p: DaprtsProcess): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (let polls = 1; Date.now() < deadline; polls++) {
    const md = (await (await p.fetch('/v1.0/metadata')).json()) as { subscriptions?: unknown[] };
    if ((md.subscriptions ?? []).length > 0) return polls;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the subscription did not start');
}
