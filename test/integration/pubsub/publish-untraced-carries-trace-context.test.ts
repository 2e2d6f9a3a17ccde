import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

const UNSAMPLED = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/;

it('tracing off, no traceparent from the caller: the CloudEvent still carries a (not sampled) trace context, sent to the app', async () => {
  await using app = await SubscriberApp.start([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);
  for (let i = 0; i < 2; i++)
    await expectNoContent(
      await p.fetch('/v1.0/publish/pubsub/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"n":${i}}`,
      }),
    );

  const got = await app.waitFor('/orders', 2);
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
