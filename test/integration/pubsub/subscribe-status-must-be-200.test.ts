import { expect, it } from 'vitest';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

// daprd reads the app's subscriptions only from a 200 (pkg/runtime/pubsub/subscriptions.go): any other
// status, a 2xx included, is logged as an error and means no programmatic subscriptions.
it('GET /dapr/subscribe answered 201: its list is not read, the error is logged, the app has no subscriptions', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
    subscribeStatus: 201,
  });
  const meta = (await (await s.sidecar.fetch('/v1.0/metadata')).json()) as { subscriptions?: unknown[] };
  expect(meta.subscriptions ?? []).toEqual([]);
  expect(s.sidecar.output).toContain('app returned http status code 201 from subscription endpoint');
});

it('GET /dapr/subscribe answered 200 with null: no subscriptions, no error', async () => {
  await using s = await startPubsubSidecar({ subscriptions: null as unknown as unknown[] });
  const meta = (await (await s.sidecar.fetch('/v1.0/metadata')).json()) as { subscriptions?: unknown[] };
  expect(meta.subscriptions ?? []).toEqual([]);
  expect(s.sidecar.output).not.toContain('could not read the app subscriptions');
});
