import { describe, expect, it } from 'vitest';
import { buildEnvelope, stringifyEnvelope, type EnvelopeInput, type RawData } from './cloudevent.js';
import { parsePrecise, stringifyPrecise } from './precise-json.js';

const base: EnvelopeInput = {
  appId: 'app',
  pubsubName: 'ps',
  topic: 'orders',
  body: Buffer.alloc(0),
  metadata: {},
  nativeTtl: false,
  now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
};

/** The envelope without the fields that differ on every call. */
const stable = (ce: Record<string, unknown>) => ({ ...ce, id: ce.id === undefined ? undefined : 'ID' });

describe('CloudEvent envelope from an already parsed body (bulk publish)', () => {
  const values: unknown[] = [
    { a: 1, nested: { b: [1, 2, { c: 'é' }] } },
    [1, 'two', null],
    'a string',
    42,
    -0,
    true,
    null,
  ];
  for (const contentType of ['application/json', 'application/vnd.x+json'])
    for (const value of values)
      it(`${contentType} ${JSON.stringify(value)}: the same event as from the bytes`, () => {
        const body = Buffer.from(JSON.stringify(value));
        const fromBytes = buildEnvelope({ ...base, body, contentType });
        const fromParsed = buildEnvelope({ ...base, body, contentType, parsed: { value } });
        expect(JSON.stringify(stable(fromParsed))).toBe(JSON.stringify(stable(fromBytes)));
      });

  it('a CloudEvent body is completed like the bytes would be, without touching the caller’s object', () => {
    const value = { id: 'x1', source: 'me', type: 't', data: { n: 1 } };
    const body = Buffer.from(JSON.stringify(value));
    const contentType = 'application/cloudevents+json';
    const fromBytes = buildEnvelope({ ...base, body, contentType });
    const fromParsed = buildEnvelope({ ...base, body, contentType, parsed: { value } });
    expect(fromParsed).toEqual(fromBytes);
    expect(fromParsed).toMatchObject({ id: 'x1', topic: 'orders', pubsubname: 'ps', specversion: '1.0' });
    expect(value).toEqual({ id: 'x1', source: 'me', type: 't', data: { n: 1 } });
  });

  it('a CloudEvent body that is not an object is refused either way', () => {
    const contentType = 'application/cloudevents+json';
    const body = Buffer.from('[1]');
    expect(() => buildEnvelope({ ...base, body, contentType })).toThrow(SyntaxError);
    expect(() => buildEnvelope({ ...base, body, contentType, parsed: { value: [1] } })).toThrow(SyntaxError);
  });
});

describe('CloudEvent overrides', () => {
  it('cloudevent.id/source/type override the defaults; empty ones fall back to them', () => {
    const body = Buffer.from('hi');
    const set = buildEnvelope({
      ...base,
      body,
      metadata: { 'cloudevent.id': 'my-id', 'cloudevent.source': 'src', 'cloudevent.type': 'my.type' },
    });
    expect(set).toMatchObject({ id: 'my-id', source: 'src', type: 'my.type', data: 'hi' });
    const empty = buildEnvelope({
      ...base,
      body,
      metadata: { 'cloudevent.id': '', 'cloudevent.source': '', 'cloudevent.type': '' },
    });
    expect(empty.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(empty).toMatchObject({ source: 'Dapr', type: 'com.dapr.event.sent' });
    expect(buildEnvelope({ ...base, body, appId: '' }).source).toBe('Dapr');
    expect(buildEnvelope({ ...base, body }).source).toBe('app');
  });
});

describe('stringifyEnvelope', () => {
  it('keeps integers past 2^53 in application/json data digit for digit, as daprd (UseNumber)', () => {
    const body = Buffer.from('{"id": 12345678901234567890, "n": 1}');
    const raw: RawData = {};
    const ce = buildEnvelope(
      {
        appId: 'a',
        pubsubName: 'p',
        topic: 't',
        body,
        contentType: 'application/json',
        metadata: {},
        nativeTtl: false,
      },
      raw,
    );
    const json = stringifyEnvelope(ce, raw);
    expect(json).toContain('"data":{"id": 12345678901234567890, "n": 1}');
    expect(JSON.parse(json)).toMatchObject({
      topic: 't',
      pubsubname: 'p',
      datacontenttype: 'application/json',
    });
  });

  const BIG_DATA =
    '{"id":12345678901234567890,"neg":-98765432109876543210,"f":1.5e300,"pad":"1234567890123456789012"}';

  it('keeps every number of an application/cloudevents+json event as written, as daprd (UseNumber)', () => {
    const body = Buffer.from(
      `{"id":"e1","source":"me","type":"t","n":12345678901234567890,"data":${BIG_DATA}}`,
    );
    const raw: RawData = {};
    const ce = buildEnvelope({ ...base, body, contentType: 'application/cloudevents+json' }, raw);
    const json = stringifyEnvelope(ce, raw);
    expect(json).toContain(`"n":12345678901234567890,"data":${BIG_DATA}`);
    expect(JSON.parse(json)).toMatchObject({
      id: 'e1',
      topic: 'orders',
      pubsubname: 'ps',
      specversion: '1.0',
    });
    // The event object holds plain values only: the exact digits live in the JSON text.
    expect(ce).toEqual(JSON.parse(json));
    expect(typeof (ce.data as Record<string, unknown>).id).toBe('number');
  });

  it('an application/cloudevents+json event without such numbers is serialized as JSON.stringify', () => {
    const body = Buffer.from('{"id":"e1","data":{"n":1.0,"f":1.5e300,"s":"123"}}');
    const raw: RawData = {};
    const ce = buildEnvelope({ ...base, body, contentType: 'application/cloudevents+json' }, raw);
    expect(raw).toEqual({});
    expect(stringifyEnvelope(ce, raw)).toBe(JSON.stringify(ce));
    expect(stringifyEnvelope(ce, raw)).toContain('"data":{"n":1,"f":1.5e+300,"s":"123"}');
  });

  it('an already parsed precise event (bulk publish) keeps its numbers; the event holds plain values', () => {
    const value = parsePrecise(BIG_DATA);
    for (const contentType of ['application/json', 'application/cloudevents+json']) {
      const raw: RawData = {};
      const ce = buildEnvelope({ ...base, contentType, parsed: { value, precise: true } }, raw);
      const json = stringifyEnvelope(ce, raw);
      expect(json).toContain(
        contentType === 'application/json' ? `"data":${BIG_DATA}` : BIG_DATA.slice(1, -1),
      );
      expect(ce).toEqual(JSON.parse(json));
    }
    expect(stringifyPrecise(value)).toBe(BIG_DATA);
  });

  it('serializes as JSON.stringify when no number needs it', () => {
    const raw: RawData = {};
    const ce = buildEnvelope(
      {
        appId: 'a',
        pubsubName: 'p',
        topic: 't',
        body: Buffer.from('{"n": 1}'),
        contentType: 'application/json',
        metadata: {},
        nativeTtl: false,
      },
      raw,
    );
    expect(raw.data).toBeUndefined();
    expect(stringifyEnvelope(ce, raw)).toBe(JSON.stringify(ce));
  });
});
