import { describe, expect, it } from 'vitest';
import {
  delReq,
  expectAbsent,
  expectJsonValue,
  expectNoExpireTime,
  getReq,
  json,
  mustGet,
  parseJson,
  setReq,
  type Suite,
} from '../harness.js';

interface ValueCase {
  name: string;
  /** The value as the API hands it over: JSON text, or raw bytes when `isBinary`. */
  value: Buffer;
  isBinary?: boolean;
  contentType?: string;
  /** Parsed JSON to compare with, or exact bytes for binary values. */
  expected: { json: unknown } | { bytes: Buffer };
}

const jsonCase = (name: string, v: unknown, contentType?: string): ValueCase => ({
  name,
  value: json(v),
  contentType,
  expected: { json: v },
});

/** Dapr's set/get matrix: non-byte values are JSON-encoded, bytes are stored verbatim. */
const VALUES: ValueCase[] = [
  jsonCase('int', 123),
  jsonCase('negative float', -12.5),
  jsonCase('bool', true),
  jsonCase('string containing JSON', '{"message":"hello","n":[1,2]}'),
  jsonCase('plain string', 'hello world'),
  jsonCase('empty string', ''),
  jsonCase('null', null),
  jsonCase('JSON object', { message: 'test', count: 7 }, 'application/json'),
  jsonCase(
    'nested object',
    { a: { b: [1, 2, { c: null, d: false }], e: 'x' }, list: [[], {}], n: 1.5 },
    'application/json',
  ),
  jsonCase('unicode', 'héllo wörld — 日本語 ✓ 🎉 \u00a0"quoted" \\ back'),
  jsonCase('1 MiB string', 'x'.repeat(1024 * 1024)),
  jsonCase('unicode object', { ключ: 'значение', emoji: '🎉', rtl: 'مرحبا' }, 'application/json'),
  {
    name: 'raw bytes [0x1] (isBinary)',
    value: Buffer.from([0x01]),
    isBinary: true,
    expected: { bytes: Buffer.from([0x01]) },
  },
  {
    name: 'raw bytes, not UTF-8 (isBinary)',
    value: Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x7f, 0x22, 0x5c, 0x0a, 0xc3]),
    isBinary: true,
    expected: { bytes: Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x7f, 0x22, 0x5c, 0x0a, 0xc3]) },
  },
  {
    name: 'raw bytes that look like JSON (isBinary)',
    value: Buffer.from('{"a": 1}'),
    isBinary: true,
    expected: { bytes: Buffer.from('{"a": 1}') },
  },
];

function expectValue(data: Buffer | undefined, c: ValueCase): void {
  if ('bytes' in c.expected) {
    expect(Buffer.isBuffer(data), 'data should be a Buffer').toBe(true);
    expect((data as Buffer).toString('hex')).toBe(c.expected.bytes.toString('hex'));
  } else {
    expect(parseJson(data)).toEqual(c.expected.json);
  }
}

/** Set/get over the value matrix, delete, and many concurrent writers. */
export function crudCases(s: Suite): void {
  describe('set and get', () => {
    for (const c of VALUES) {
      it(`round-trips ${c.name}`, async () => {
        const key = s.key('value');
        await s.store.set({ ...setReq(key, c.value, { contentType: c.contentType }), isBinary: c.isBinary });
        const res = await mustGet(s.store, key);
        expectValue(res.data, c);
        // No TTL was asked for, whatever the store claims: Dapr checks this always.
        expectNoExpireTime(res.metadata);
        const [item] = await s.store.bulkGet([getReq(key)], 0);
        expect(item.key).toBe(key);
        expectValue(item.data, c);
      });
    }

    it('overwrites an existing value (last-write by default)', async () => {
      const key = s.key('overwrite');
      await s.store.set(setReq(key, { v: 1 }));
      await s.store.set(setReq(key, { v: 2 }));
      await expectJsonValue(s.store, key, { v: 2 });
    });

    it('returns undefined for a key never written', async () => {
      await expectAbsent(s.store, s.key('never'));
    });
  });

  describe('delete', () => {
    it('deletes a key: get then returns nothing', async () => {
      const key = s.key('delete');
      await s.store.set(setReq(key, 'to be deleted'));
      await expectJsonValue(s.store, key, 'to be deleted');
      await s.store.delete(delReq(key));
      await expectAbsent(s.store, key);
      const [item] = await s.store.bulkGet([getReq(key)], 0);
      expect(item.data).toBeUndefined();
    });

    it('deleting a key never written succeeds', async () => {
      const key = s.key('delete-missing');
      await expect(s.store.delete(delReq(key))).resolves.toBeUndefined();
      await expectAbsent(s.store, key);
    });

    it('deleting twice succeeds', async () => {
      const key = s.key('delete-twice');
      await s.store.set(setReq(key, 1));
      await s.store.delete(delReq(key));
      await expect(s.store.delete(delReq(key))).resolves.toBeUndefined();
    });

    it('a key can be written again after delete', async () => {
      const key = s.key('recreate');
      await s.store.set(setReq(key, 'first'));
      await s.store.delete(delReq(key));
      await s.store.set(setReq(key, 'second'));
      await expectJsonValue(s.store, key, 'second');
    });
  });

  describe('concurrency', () => {
    it('100 concurrent sets to distinct keys all land', async () => {
      const keys = Array.from({ length: 100 }, () => s.key('concurrent'));
      await Promise.all(keys.map((k, i) => s.store.set(setReq(k, { i }))));
      const items = await s.store.bulkGet(
        keys.map((k) => getReq(k)),
        0,
      );
      expect(items).toHaveLength(100);
      const byKey = new Map(items.map((it) => [it.key, it]));
      keys.forEach((k, i) => {
        expect(byKey.get(k)?.error, `error for ${k}`).toBeUndefined();
        expect(parseJson(byKey.get(k)?.data)).toEqual({ i });
      });
    });

    it('50 concurrent writes to one key leave one of the written values', async () => {
      const key = s.key('contended');
      await Promise.all(Array.from({ length: 50 }, (_, i) => s.store.set(setReq(key, { i }))));
      const value = (await expectJsonValue(s.store, key, expect.anything())).data;
      const { i } = parseJson(value) as { i: number };
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(50);
    });
  });
}
