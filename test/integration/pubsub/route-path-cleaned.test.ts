import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

// daprd's HTTP app channel (pkg/channel/http/http_channel.go constructRequest) calls
// path.Clean(method) and adds the leading slash: the route as the app declared it is listed in
// the metadata API, but the event is POSTed to the cleaned path.
it('a subscription route is POSTed to as Go path.Clean leaves it: no trailing slash, no //, . or ..', async () => {
  await using app = await SubscriberApp.start([
    { pubsubname: 'pubsub', topic: 'a', route: '/events/task-created/' },
    { pubsubname: 'pubsub', topic: 'b', route: 'events//b/./x/../b' },
  ]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);
  for (const topic of ['a', 'b'])
    await expectNoContent(
      await p.fetch(`/v1.0/publish/pubsub/${topic}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );
  await app.waitFor('/events/task-created', 1);
  await app.waitFor('/events/b/b', 1);
  const md = (await (await p.fetch('/v1.0/metadata')).json()) as {
    subscriptions: { topic: string; rules: { path: string }[] }[];
  };
  expect(md.subscriptions.find((s) => s.topic === 'a')?.rules).toEqual([{ path: '/events/task-created/' }]);
});
