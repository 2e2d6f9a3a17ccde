import { describe, expect, it } from 'vitest';
import { errorInfo, resourceInfo } from '../../errors/dapr-error.js';
import { cloudEventRequest, fromStruct } from '../../messaging/delivery/grpc-envelope.js';
import { decodeStatus, decodeValue, encodeStatus, encodeValue } from './wire.js';

describe('protobuf wire codec', () => {
  it('encodes google.rpc.Status as protobuf does', () => {
    // code=3 (field 1 varint), message="x" (field 2), no details.
    expect(encodeStatus(3, 'x')).toEqual(Buffer.from([0x08, 0x03, 0x12, 0x01, 0x78]));
  });

  it('round-trips Status with ErrorInfo, ResourceInfo and BadRequest details', () => {
    const details = [
      errorInfo('DAPR_STATE_NOT_FOUND', { appID: 'a', k: 'v' }),
      resourceInfo('state', 'store', 'desc'),
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest' as const,
        field_violations: [{ field: 'k', description: 'bad' }],
      },
    ];
    expect(decodeStatus(encodeStatus(13, 'boom ✓', details))).toEqual({
      code: 13,
      message: 'boom ✓',
      details,
    });
  });

  it('round-trips google.protobuf.Value for every JSON type', () => {
    const value = {
      s: 'x',
      n: -1.5,
      b: false,
      z: null,
      l: [1, 'two', { three: 3 }],
      o: { nested: { deep: true } },
    };
    expect(decodeValue(encodeValue(value))).toEqual(value);
    expect(decodeValue(encodeValue('plain'))).toBe('plain');
    expect(decodeValue(Buffer.alloc(0))).toBeNull();
  });

  it('keeps __proto__ keys as data', () => {
    const decoded = decodeValue(encodeValue(JSON.parse('{"__proto__":{"polluted":1}}'))) as object;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('CloudEvent to TopicEventRequest (daprd GRPCEnvelopeFromSubscriptionMessage)', () => {
  const base = { id: '1', source: 'app', type: 't', specversion: '1.0', topic: 'orders', traceparent: 'tp' };

  it('JSON data is JSON-encoded, the rest of the attributes are extensions', () => {
    const r = cloudEventRequest({
      ...base,
      datacontenttype: 'application/json',
      data: { a: 1 },
      custom: 'c',
    });
    expect(r).toMatchObject({ id: '1', source: 'app', type: 't', specVersion: '1.0' });
    expect(r.data.toString()).toBe('{"a":1}');
    expect(fromStruct(r.extensions)).toEqual({ topic: 'orders', traceparent: 'tp', custom: 'c' });
  });

  it('text data is sent as its bytes; data_base64 is decoded', () => {
    expect(cloudEventRequest({ ...base, datacontenttype: 'text/plain', data: 'hi' }).data.toString()).toBe(
      'hi',
    );
    const b64 = cloudEventRequest({
      ...base,
      datacontenttype: 'application/octet-stream',
      data_base64: 'AAEC',
    });
    expect([...b64.data]).toEqual([0, 1, 2]);
  });

  it('other content types carry no data; a string type with non-string data is an error', () => {
    expect(
      cloudEventRequest({ ...base, datacontenttype: 'application/x-foo', data: { a: 1 } }).data,
    ).toHaveLength(0);
    expect(() => cloudEventRequest({ ...base, datacontenttype: 'text/plain', data: { a: 1 } })).toThrow(
      'unexpected data type',
    );
  });
});
