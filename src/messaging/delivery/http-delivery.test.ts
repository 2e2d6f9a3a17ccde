import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../diagnostics/logger.js';
import type { AppChannel, AppRequest, AppResponse } from '../../runtime/app-channel.js';
import { HttpAppDelivery } from './http-delivery.js';

/** An app channel that records each request and answers SUCCESS for entries `a` and `b`. */
function recordingChannel(sent: AppRequest[]): AppChannel {
  const answer: AppResponse = {
    status: 200,
    headers: {},
    body: Buffer.from('{"statuses":[{"entryId":"a","status":"SUCCESS"},{"entryId":"b","status":"DROP"}]}'),
  } as AppResponse;
  return { request: (req: AppRequest) => (sent.push(req), Promise.resolve(answer)) } as unknown as AppChannel;
}

describe('HTTP bulk delivery', () => {
  it('sends every entry with its event, whether spliced from the message bytes or serialized', async () => {
    const sent: AppRequest[] = [];
    const delivery = new HttpAppDelivery(recordingChannel(sent), 'app', silentLogger());
    const first = { specversion: '1.0', id: '1', type: 't', source: 's', data: { n: 1, s: 'é"\\' } };
    const second = { specversion: '1.0', id: '2', type: 't', source: 's', data: 'two', traceid: 'x' };
    const statuses = await delivery.deliverBulk({
      pubsubName: 'ps',
      topic: 'orders',
      path: '/bulk',
      rawPayload: false,
      entries: [
        {
          entryId: 'a',
          event: first,
          json: Buffer.from(JSON.stringify(first, null, 1)),
          data: Buffer.alloc(0),
          contentType: 'application/cloudevents+json',
          metadata: { k: 'v' },
        },
        { entryId: 'b', event: second, data: Buffer.alloc(0), contentType: 'x', metadata: {} },
      ],
    });
    expect([...statuses]).toEqual([
      ['a', 'SUCCESS'],
      ['b', 'DROP'],
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/bulk' });
    const body = JSON.parse(Buffer.from(sent[0].body as Buffer).toString('utf8')) as Record<string, unknown>;
    expect(body).toEqual({
      id: expect.any(String),
      type: 'com.dapr.event.sent.bulk',
      topic: 'orders',
      pubsubname: 'ps',
      metadata: { pubsubName: 'ps' },
      entries: [
        { entryId: 'a', event: first, metadata: { k: 'v' }, contentType: 'application/cloudevents+json' },
        { entryId: 'b', event: second, metadata: {}, contentType: 'application/cloudevents+json' },
      ],
    });
  });
});

describe("the app's bulk answer, as daprd's decoder reads it", () => {
  const statusesFor = async (status: number, answer: string) => {
    const channel = {
      request: () => Promise.resolve({ status, headers: {}, body: Buffer.from(answer) } as AppResponse),
    } as unknown as AppChannel;
    const event = { specversion: '1.0', id: '1', type: 't', source: 's' };
    const entry = (entryId: string) => ({
      entryId,
      event,
      data: Buffer.alloc(0),
      contentType: 'application/cloudevents+json',
      metadata: {},
    });
    const delivery = new HttpAppDelivery(channel, 'app', silentLogger());
    const got = await delivery.deliverBulk({
      pubsubName: 'ps',
      topic: 't',
      path: '/bulk',
      rawPayload: false,
      entries: [entry('a'), entry('b')],
    });
    return Object.fromEntries(got);
  };

  it.each([
    [
      '{"statuses":[{"entryId":"a","status":"SUCCESS"},{"entryId":"b","status":"DROP"}]}',
      { a: 'SUCCESS', b: 'DROP' },
    ],
    // Go matches field names whatever their case (a .NET app's PascalCase answer).
    [
      '{"Statuses":[{"EntryId":"a","Status":"SUCCESS"},{"ENTRYID":"b","status":"RETRY"}]}',
      { a: 'SUCCESS', b: 'RETRY' },
    ],
    // A value of the wrong type anywhere fails the decoding: every entry is retried.
    ['{"statuses":[{"entryId":"a","status":"SUCCESS"},{"entryId":"b","status":2}]}', {}],
    ['{"statuses":"SUCCESS"}', {}],
    ['[{"entryId":"a","status":"SUCCESS"}]', {}],
    [
      '{"statuses":[null,{"entryId":"a","status":null},{"entryId":"b","status":"SUCCESS"}]}',
      { b: 'SUCCESS' },
    ],
  ])('2xx %s', async (answer, expected) => {
    expect(await statusesFor(200, answer)).toEqual(expected);
  });

  it('404 drops every entry; another error status retries them all', async () => {
    expect(await statusesFor(404, '')).toEqual({ a: 'DROP', b: 'DROP' });
    expect(await statusesFor(500, '{"statuses":[{"entryId":"a","status":"SUCCESS"}]}')).toEqual({});
  });
});
