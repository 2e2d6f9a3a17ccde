import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { BIG_NUMBERS_DATA, BIG_NUMBERS_EVENT } from '../../helpers/big-numbers.js';
import { startPubsubSidecar, type PubsubSidecar } from '../../helpers/pubsub-sidecar.js';

// The events of a bulk publish reach the subscriber with every number as written (64-bit IDs
// are not rounded), as a single publish does.
const DATA = BIG_NUMBERS_DATA;
const EVENT = BIG_NUMBERS_EVENT;

let s: PubsubSidecar;
beforeAll(async () => {
  s = await startPubsubSidecar({
    subscriptions: ['json', 'ce', 'mixed', 'v1'].map((t) => ({
      pubsubname: 'pubsub',
      topic: t,
      route: `/${t}`,
    })),
  });
});
afterAll(() => s?.close());

function bulk(topic: string, entries: string[], prefix = '/v1.0-alpha1') {
  return s.sidecar.fetch(`${prefix}/publish/bulk/pubsub/${topic}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `[${entries.join(',')}]`,
  });
}

const jsonEntry = (id: string) => `{"entryId":"${id}","contentType":"application/json","event":${DATA}}`;
const ceEntry = (id: string) =>
  `{"entryId":"${id}","contentType":"application/cloudevents+json","event":${EVENT}}`;

it('application/json entries keep every number of their event as written', async () => {
  await expectNoContent(await bulk('json', [jsonEntry('1'), jsonEntry('2')]));
  const got = await s.app.waitFor('/json', 2);
  for (const r of got) {
    expect(r.body).toContain(`"data":${DATA}`);
    expect(JSON.parse(r.body)).toMatchObject({ datacontenttype: 'application/json', topic: 'json' });
  }
});

it('application/cloudevents+json entries keep every number of the event as written', async () => {
  await expectNoContent(await bulk('ce', [ceEntry('1')]));
  const [got] = await s.app.waitFor('/ce', 1);
  expect(got.body).toContain('"seq":12345678901234567890,');
  expect(got.body).toContain(`"data":${DATA}`);
  expect(JSON.parse(got.body)).toMatchObject({ id: 'ev-1', topic: 'ce', pubsubname: 'pubsub' });
});

it('mixed entries: JSON ones keep their numbers, the others are as before', async () => {
  await expectNoContent(
    await bulk('mixed', [
      jsonEntry('j'),
      ceEntry('c'),
      '{"entryId":"t","contentType":"text/plain","event":"12345678901234567890 as text"}',
      '{"entryId":"s","contentType":"application/json","event":{"small":1,"f":2.5}}',
    ]),
  );
  const got = await s.app.waitFor('/mixed', 4);
  const bodies = got.map((r) => r.body);
  expect(bodies.filter((b) => b.includes(`"data":${DATA}`))).toHaveLength(2);
  expect(bodies.some((b) => b.includes('"seq":12345678901234567890,'))).toBe(true);
  expect(bodies.some((b) => b.includes('"data":"12345678901234567890 as text"'))).toBe(true);
  expect(bodies.some((b) => b.includes('"data":{"small":1,"f":2.5}'))).toBe(true);
});

it('the stable /v1.0 bulk route does the same', async () => {
  await expectNoContent(await bulk('v1', [jsonEntry('1')], '/v1.0'));
  const [got] = await s.app.waitFor('/v1', 1);
  expect(got.body).toContain(`"data":${DATA}`);
});
