import { describe, expect, it } from 'vitest';
import type {
  TransactionalOperation,
  TransactionalStateStore,
} from '../../../../src/components/state/interface.js';
import { isTransactional } from '../../../../src/components/state/interface.js';
import {
  delReq,
  etagErrorClass,
  etagOf,
  expectAbsent,
  expectCausedBy,
  expectJsonValue,
  rejection,
  setReq,
  type Suite,
  type WriteOptions,
} from '../harness.js';

const upsert = (key: string, value: unknown, o?: WriteOptions): TransactionalOperation => ({
  operation: 'upsert',
  request: setReq(key, value, o),
});
const remove = (key: string, etag?: string): TransactionalOperation => ({
  operation: 'delete',
  request: delReq(key, { etag }),
});

/** All-or-nothing multi-operation transactions (claim `transaction`). */
export function transactionCases(s: Suite): void {
  if (!s.claims('transaction')) return; // negative twin: features.ts checks flag and interface are absent
  const tx = (): TransactionalStateStore => {
    if (!isTransactional(s.store)) throw new Error(`${s.config.name} claims transaction but has no multi()`);
    return s.store;
  };

  describe('transactions', () => {
    it('applies groups of upserts, with deletes landing in the next transaction', async () => {
      const groups = [0, 1, 2].map((g) => [s.key(`tx-g${g}`), s.key(`tx-g${g}`)]);
      for (const [g, keys] of groups.entries()) {
        const ops = keys.map((k) => upsert(k, { g, k }));
        if (g > 0) ops.push(...groups[g - 1].map((k) => remove(k)));
        await tx().multi(ops, {});
        for (const k of keys) await expectJsonValue(s.store, k, { g, k });
        if (g > 0) for (const k of groups[g - 1]) await expectAbsent(s.store, k);
      }
    });

    it('applies operations in order: [delete k1, upsert k2, delete k2, upsert k3] leaves only k3', async () => {
      const [k1, k2, k3] = [s.key('tx-order'), s.key('tx-order'), s.key('tx-order')];
      await s.store.set(setReq(k1, 'k1'));
      await tx().multi([remove(k1), upsert(k2, 'k2'), remove(k2), upsert(k3, 'k3')], {});
      await expectAbsent(s.store, k1);
      await expectAbsent(s.store, k2);
      await expectJsonValue(s.store, k3, 'k3');
    });

    it('two upserts of one key: the last wins', async () => {
      const key = s.key('tx-twice');
      await tx().multi([upsert(key, 'first'), upsert(key, 'second')], {});
      await expectJsonValue(s.store, key, 'second');
    });

    it('deleting a key that does not exist inside a transaction succeeds', async () => {
      const [missing, other] = [s.key('tx-delmissing'), s.key('tx-delmissing-other')];
      await tx().multi([remove(missing), upsert(other, 'ok')], {});
      await expectAbsent(s.store, missing);
      await expectJsonValue(s.store, other, 'ok');
      await expect(tx().multi([remove(s.key('tx-delmissing-alone'))], {})).resolves.toBeUndefined();
    });

    it('keeps binary and JSON values as given', async () => {
      const [bin, doc] = [s.key('tx-bin'), s.key('tx-json')];
      const bytes = Buffer.from([0x00, 0xff, 0x01]);
      await tx().multi([upsert(bin, bytes, { isBinary: true }), upsert(doc, { nested: { a: [1] } })], {});
      const got = await s.store.get({ key: bin, metadata: {} });
      expect(got?.data.toString('hex')).toBe(bytes.toString('hex'));
      await expectJsonValue(s.store, doc, { nested: { a: [1] } });
    });

    if (s.claims('etag')) {
      const badKind = s.config.badEtagError ?? 'mismatch';
      it('upserts and deletes with the right etags all apply', async () => {
        const [a, b] = [s.key('tx-etag-ok'), s.key('tx-etag-ok')];
        await s.store.bulkSet([setReq(a, 'a1'), setReq(b, 'b1')]);
        const [ea, eb] = [await etagOf(s.store, a), await etagOf(s.store, b)];
        await tx().multi([upsert(a, 'a2', { etag: ea }), remove(b, eb)], {});
        const res = await expectJsonValue(s.store, a, 'a2');
        expect(res.etag).not.toBe(ea);
        await expectAbsent(s.store, b);
      });

      for (const where of ['upsert', 'delete'] as const) {
        it(`one bad etag (on a ${where}) applies nothing: the transaction is atomic`, async () => {
          const [a, b, c] = [s.key('tx-atomic'), s.key('tx-atomic'), s.key('tx-atomic-new')];
          await s.store.bulkSet([setReq(a, 'a1'), setReq(b, 'b1')]);
          const [ea, eb] = [await etagOf(s.store, a), await etagOf(s.store, b)];
          const badOp =
            where === 'upsert'
              ? upsert(b, 'b2', { etag: s.config.badEtag(eb) })
              : remove(b, s.config.badEtag(eb));
          const err = await rejection(tx().multi([upsert(a, 'a2'), upsert(c, 'c1'), badOp, remove(a)], {}));
          expectCausedBy(err, etagErrorClass(badKind));
          const resA = await expectJsonValue(s.store, a, 'a1');
          expect(resA.etag).toBe(ea);
          const resB = await expectJsonValue(s.store, b, 'b1');
          expect(resB.etag).toBe(eb);
          await expectAbsent(s.store, c);
        });
      }
    }

    if (s.claims('ttl')) {
      it('an invalid ttlInSeconds fails the transaction and applies nothing', async () => {
        const [a, b] = [s.key('tx-badttl'), s.key('tx-badttl')];
        await rejection(
          tx().multi([upsert(a, 'a'), upsert(b, 'b', { metadata: { ttlInSeconds: 'foo' } })], {}),
        );
        await expectAbsent(s.store, a);
        await expectAbsent(s.store, b);
      });
    }
  });
}
