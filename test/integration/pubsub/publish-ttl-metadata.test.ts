import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

const topics = ['invalid', 'negative', 'zero', 'hour', 'both'];

it('publish TTL metadata as daprd reads it: invalid values ignored (204, no expiration), 0 expires at once, `ttl` before `ttlInSeconds`', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: topics.map((t) => ({ pubsubname: 'pubsub', topic: t, route: `/${t}` })),
  });
  const { app } = s;
  const publish = (topic: string, query: string) => s.publish(topic, { query });

  await expectNoContent(await publish('zero', 'metadata.ttlInSeconds=0'));
  await expectNoContent(await publish('invalid', 'metadata.ttlInSeconds=abc'));
  await expectNoContent(await publish('negative', 'metadata.ttlInSeconds=-5'));
  const before = Date.now();
  await expectNoContent(await publish('hour', 'metadata.ttl=1h'));
  await expectNoContent(await publish('both', 'metadata.ttl=2h&metadata.ttlInSeconds=60'));

  const event = async (topic: string) =>
    JSON.parse((await app.waitFor(`/${topic}`, 1))[0].body) as { expiration?: string };
  expect((await event('invalid')).expiration).toBeUndefined();
  expect((await event('negative')).expiration).toBeUndefined();
  const hour = Date.parse((await event('hour')).expiration ?? '') - before;
  expect(hour).toBeGreaterThan(3600_000 - 2000);
  expect(hour).toBeLessThan(3600_000 + 2000);
  const both = Date.parse((await event('both')).expiration ?? '') - before;
  expect(both).toBeGreaterThan(7200_000 - 2000);
  // ttlInSeconds=0 is a TTL of zero: expired on arrival, dropped before the app.
  await new Promise((r) => setTimeout(r, 300));
  expect(app.to('/zero')).toHaveLength(0);
});
