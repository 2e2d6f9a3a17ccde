import { expect, it } from 'vitest';
import {
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

// Dapr stores the JSON encoding of `value` and GET returns those bytes verbatim.
const scalars: [string, unknown, string][] = [
  ['string', 'hello', '"hello"'],
  ['json-looking string', '{"a":1}', '"{\\"a\\":1}"'],
  ['empty string', '', '""'],
  ['integer', 42, '42'],
  ['negative float', -3.5, '-3.5'],
  ['zero', 0, '0'],
  ['true', true, 'true'],
  ['false', false, 'false'],
  ['null', null, 'null'],
  ['unicode string', 'héllo ✓ 日本 🚀', '"héllo ✓ 日本 🚀"'],
];
const structured: [string, unknown][] = [
  ['object', { name: 'Luke', age: 19, tags: ['jedi'], nested: { ok: true, none: null } }],
  ['array', [1, 'two', { three: 3 }, [4], null, false]],
  ['empty object', {}],
  ['empty array', []],
];

it('save then get returns the stored JSON for every kind of value', async () => {
  await using p = await startWithStateStore();
  const items = [...scalars, ...structured].map(([name, value]) => ({ key: `k-${name}`, value }));
  await expectNoContent(await saveState(p, items));

  for (const [name, , text] of scalars) {
    expect(await expectValue(await getState(p, `k-${name}`)), name).toBe(text);
  }
  // Go re-encodes objects (sorted keys), so objects and arrays are compared as JSON.
  for (const [name, value] of structured) {
    expect(JSON.parse(await expectValue(await getState(p, `k-${name}`))), name).toEqual(value);
  }
});
