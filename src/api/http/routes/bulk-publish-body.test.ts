import { describe, expect, it } from 'vitest';
import { DaprError, GrpcCode } from '../../../errors/dapr-error.js';
import { stringifyPrecise } from '../../../messaging/precise-json.js';
import { decodeBody, decodeEntry } from './bulk-publish-body.js';

const fail = (why: string) =>
  new DaprError({
    errorCode: 'ERR_TEST',
    message: why,
    httpStatus: 400,
    grpcCode: GrpcCode.INVALID_ARGUMENT,
  });
const EVENT =
  '{"id":12345678901234567890,"neg":-98765432109876543210,"f":1.5e300,"pad":"1234567890123456789012"}';

describe('bulk publish body: numbers past 2^53', () => {
  it('a body JSON.parse keeps exactly has no precise entries (the common path)', () => {
    const body = decodeBody(Buffer.from('[{"entryId":"1","event":{"n":1.5e300,"s":"x"}}]'), fail);
    expect(body.precise).toBeUndefined();
    expect(decodeEntry(body.entries[0], fail, body.precise?.[0]).preciseEvent).toBeUndefined();
  });

  it('an event keeps every number as written; the other fields are the plain values', () => {
    const text = `[{"entryId":"1","contentType":"application/json","metadata":{"k":"v"},"Event":${EVENT}}]`;
    const body = decodeBody(Buffer.from(text), fail);
    const e = decodeEntry(body.entries[0], fail, body.precise?.[0]);
    expect(e).toMatchObject({ entryId: '1', contentType: 'application/json', metadata: { k: 'v' } });
    expect(e.event).toEqual(JSON.parse(EVENT));
    expect(stringifyPrecise(e.preciseEvent!.value)).toBe(EVENT);
  });

  it('errors name the JSON kind of a big number, as Go does', () => {
    const body = decodeBody(Buffer.from('[{"entryId":12345678901234567890}]'), fail);
    expect(() => decodeEntry(body.entries[0], fail, body.precise?.[0])).toThrow(
      'json: cannot unmarshal number into Go struct field bulkPublishMessageEntry.entryId of type string',
    );
    const meta = decodeBody(Buffer.from('[{"entryId":"1","metadata":{"k":12345678901234567890}}]'), fail);
    expect(() => decodeEntry(meta.entries[0], fail, meta.precise?.[0])).toThrow(
      'cannot unmarshal number into Go struct field bulkPublishMessageEntry.metadata.k of type string',
    );
  });
});
