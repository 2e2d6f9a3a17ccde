import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

const MB = 1024 * 1024;

// daprd wraps every body in a LimitReadCloser (--max-body-size, 4 MB by default): onPublish's
// io.ReadAll then fails with "stream too large", which it answers as a publish error; onBulkPublish's
// JSON decoder fails the same way, answered as its unmarshal error.
it('a publish body over the limit is 500 ERR_PUBSUB_PUBLISH_MESSAGE, a bulk one 400 ERR_PUBSUB_EVENTS_SER', async () => {
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
  });
  const big = 'a'.repeat(4 * MB + 10);
  let err = await expectDaprError(
    await p.fetch('/v1.0/publish/pubsub/orders', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: big,
    }),
    500,
    'ERR_PUBSUB_PUBLISH_MESSAGE',
  );
  expect(err.message).toBe('error when publishing to topic orders in pubsub pubsub: stream too large');

  err = await expectDaprError(
    await p.fetch('/v1.0-alpha1/publish/bulk/pubsub/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ entryId: '1', event: big, contentType: 'text/plain' }]),
    }),
    400,
    'ERR_PUBSUB_EVENTS_SER',
  );
  expect(err.message).toBe(
    'error when unmarshaling the request for topic orders pubsub pubsub: stream too large',
  );

  // The runtime keeps serving.
  await expectNoContent(
    await p.fetch('/v1.0/publish/pubsub/orders', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'small',
    }),
  );
});
