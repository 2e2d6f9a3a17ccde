import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

const UNSAMPLED = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/;

it('tracing off, no traceparent from the caller: the CloudEvent still carries a (not sampled) trace context, sent to the app', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
  });
  for (let i = 0; i < 2; i++) await expectNoContent(await s.publish('orders', { body: `{"n":${i}}` }));

  const got = await s.app.waitFor('/orders', 2);
  const traces = got.map((d) => {
    const ce = JSON.parse(d.body) as { traceid: string; traceparent: string };
    expect(ce.traceparent).toMatch(UNSAMPLED);
    expect(ce.traceid).toBe(ce.traceparent);
    expect(d.headers.traceparent).toBe(ce.traceparent);
    return ce.traceparent;
  });
  // One trace per publish.
  expect(new Set(traces).size).toBe(2);
});
