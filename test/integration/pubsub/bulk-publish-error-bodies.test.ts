import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

const bulk = (p: DaprtsProcess, body: string, query = '') =>
  p.fetch(`/v1.0/publish/bulk/pubsub/orders${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

const entry = (entryId: unknown) => ({ entryId, event: { n: 1 }, contentType: 'application/json' });

// daprd's onBulkPublish (pkg/api/http/http.go) and its errors (pkg/api/errors/pubsub.go): the body
// is decoded into []bulkPublishMessageEntry (UnmarshalEvents), each event converted by content type
// (MarshalEnvelope), then the entryId checked (MarshalEvents); all 400 ERR_PUBSUB_EVENTS_SER.
it('bulk publish errors: the messages and reasons daprd writes for each way a body is wrong', async () => {
  await using p = await DaprtsProcess.start({
    appId: 'backend',
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
  });
  const expectEventsSer = async (res: Response, reason: string, message: string) => {
    const body = await expectDaprError(res, 400, 'ERR_PUBSUB_EVENTS_SER');
    expect(body.message).toBe(message);
    expect(body.details?.[0]).toMatchObject({ resource_type: 'pubsub', resource_name: 'pubsub' });
    expect(body.details?.[1]).toMatchObject({
      reason,
      metadata: expect.objectContaining({ appID: 'backend' }),
    });
  };

  const unmarshal = 'error when unmarshaling the request for topic orders pubsub pubsub: ';
  await expectEventsSer(
    await bulk(p, '{"entryId":"1"}'),
    'DAPR_PUBSUB_UNMARSHAL_EVENTS',
    `${unmarshal}json: cannot unmarshal object into Go value of type []http.bulkPublishMessageEntry`,
  );
  await expectEventsSer(
    await bulk(p, 'xx'),
    'DAPR_PUBSUB_UNMARSHAL_EVENTS',
    `${unmarshal}invalid character 'x' looking for beginning of value`,
  );
  // The curl example of docs.dapr.io's pub/sub API reference, trailing comma included: Go's scanner.
  await expectEventsSer(
    await bulk(
      p,
      `[
        {
            "entryId": "ae6bf7c6-4af2-11ed-b878-0242ac120002",
            "event":  "first text message",
            "contentType": "text/plain"
        },
        {
            "entryId": "b1f40bd6-4af2-11ed-b878-0242ac120002",
            "event":  {
                "message": "second JSON message"
            },
            "contentType": "application/json"
        },
      ]`,
    ),
    'DAPR_PUBSUB_UNMARSHAL_EVENTS',
    `${unmarshal}invalid character ']' looking for beginning of value`,
  );
  await expectEventsSer(
    await bulk(p, '[{"entryId":"a" "event":1}]'),
    'DAPR_PUBSUB_UNMARSHAL_EVENTS',
    `${unmarshal}invalid character '"' after object key:value pair`,
  );
  // Go's Decoder reads the first value only: what follows it is never looked at.
  await expectNoContent(await bulk(p, `${JSON.stringify([entry('a')])}\n}junk`));
  await expectEventsSer(
    await bulk(p, JSON.stringify([entry(7)])),
    'DAPR_PUBSUB_UNMARSHAL_EVENTS',
    `${unmarshal}json: cannot unmarshal number into Go struct field bulkPublishMessageEntry.entryId of type string`,
  );

  const dup =
    'error marshaling events to bytes for topic orders pubsub pubsub. error: entryId is duplicated or not present for entry';
  await expectEventsSer(
    await bulk(p, JSON.stringify([entry('a'), entry('a')])),
    'DAPR_PUBSUB_MARSHAL_EVENTS',
    dup,
  );
  await expectEventsSer(await bulk(p, JSON.stringify([entry('')])), 'DAPR_PUBSUB_MARSHAL_EVENTS', dup);

  await expectEventsSer(
    await bulk(p, JSON.stringify([{ entryId: 'a', event: { n: 1 }, contentType: 'text/plain' }])),
    'DAPR_PUBSUB_MARSHAL_ENVELOPE',
    'error when marshalling cloud event envelope for topic orders pubsub pubsub: error: mismatch between contentType and event',
  );

  // The request metadata is checked before the body is read.
  const body = await expectDaprError(
    await bulk(p, 'xx', '?metadata.rawPayload=maybe'),
    400,
    'ERR_PUBSUB_REQUEST_METADATA',
  );
  expect(body.message).toBe(
    "failed deserializing metadata. Error: rawPayload value must be a valid boolean: actual is 'maybe'",
  );

  // Go decodes `null` into an empty slice: nothing to publish.
  await expectNoContent(await bulk(p, 'null'));
});
