import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

const resourceInfo = (name: string, description: string) => ({
  '@type': 'type.googleapis.com/google.rpc.ResourceInfo',
  resource_type: 'pubsub',
  resource_name: name,
  owner: '',
  description,
});
const errorInfo = (reason: string, metadata: Record<string, string>) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'dapr.io',
  metadata,
});

const publish = (p: DaprtsProcess, path: string, body = '{"n":1}', contentType = 'application/json') =>
  p.fetch(`/v1.0/publish/${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

// daprd pkg/api/errors/pubsub.go: messages, and details as its builder makes them (a ResourceInfo
// unless not found, then an ErrorInfo carrying the request's metadata.* or {appID,error}/{topic,error}).
it('publish errors: the messages and details daprd writes', async () => {
  await using p = await DaprtsProcess.start({
    appId: 'backend',
    resources: {
      'pubsub.yaml': componentYaml({
        name: 'pubsub',
        type: 'pubsub.in-memory',
        metadata: [{ name: 'allowedTopics', value: 'orders' }],
      }),
    },
  });

  let body = await expectDaprError(await publish(p, 'nope/orders?metadata.k=v'), 404, 'ERR_PUBSUB_NOT_FOUND');
  expect(body.message).toBe('pubsub nope is not found');
  expect(body.details).toEqual([errorInfo('DAPR_PUBSUB_NOT_FOUND', { k: 'v' })]);

  body = await expectDaprError(await publish(p, '/orders'), 404, 'ERR_PUBSUB_EMPTY');
  expect(body.details).toEqual([
    resourceInfo('', 'pubsub name is empty'),
    errorInfo('DAPR_PUBSUB_NAME_EMPTY', {}),
  ]);

  body = await expectDaprError(await publish(p, 'pubsub/'), 404, 'ERR_TOPIC_NAME_EMPTY');
  expect(body.details).toEqual([
    resourceInfo('pubsub', 'topic is empty in pubsub pubsub'),
    errorInfo('DAPR_PUBSUB_TOPIC_NAME_EMPTY', {}),
  ]);

  const meta =
    "failed deserializing metadata. Error: rawPayload value must be a valid boolean: actual is 'maybe'";
  body = await expectDaprError(
    await publish(p, 'pubsub/orders?metadata.rawPayload=maybe'),
    400,
    'ERR_PUBSUB_REQUEST_METADATA',
  );
  expect(body.message).toBe(meta);
  expect(body.details).toEqual([
    resourceInfo('pubsub', meta),
    errorInfo('DAPR_PUBSUB_METADATA_DESERIALIZATION', { rawPayload: 'maybe' }),
  ]);
  // daprd checks topic scoping last, after the metadata and the CloudEvent.
  await expectDaprError(
    await publish(p, 'pubsub/denied?metadata.rawPayload=maybe'),
    400,
    'ERR_PUBSUB_REQUEST_METADATA',
  );
  await expectDaprError(
    await publish(p, 'pubsub/denied', 'not json', 'application/cloudevents+json'),
    500,
    'ERR_PUBSUB_CLOUD_EVENTS_SER',
  );

  body = await expectDaprError(
    await publish(p, 'pubsub/orders', 'not json', 'application/cloudevents+json'),
    500,
    'ERR_PUBSUB_CLOUD_EVENTS_SER',
  );
  expect(body.message).toBe('cannot create cloudevent');
  expect(body.details?.[0]).toEqual(resourceInfo('pubsub', 'cannot create cloudevent'));
  expect(body.details?.[1]).toMatchObject({
    reason: 'DAPR_PUBSUB_CLOUD_EVENT_CREATION',
    metadata: { appID: 'backend', error: expect.any(String) as unknown },
  });

  const forbidden = 'topic denied is not allowed for app id backend';
  body = await expectDaprError(await publish(p, 'pubsub/denied'), 403, 'ERR_PUBSUB_FORBIDDEN');
  expect(body.message).toBe(forbidden);
  expect(body.details).toEqual([
    resourceInfo('pubsub', forbidden),
    errorInfo('DAPR_PUBSUB_FORBIDDEN', { topic: 'denied', error: forbidden }),
  ]);
});
