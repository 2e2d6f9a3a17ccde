import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJob, type JobRequest } from '../../scheduler/job.js';
import { JobAlreadyExistsError } from './errors.js';
import { VALUE_TYPE_URL, type JobRecord, type JobScope, type JobStore } from './interface.js';

/** How a store under test is made: `open()` returns a new, initialised instance on the same data. */
export interface StoreSuiteOptions {
  name: string;
  open: () => Promise<JobStore>;
  cleanup?: () => Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);

export function job(name: string, req: Partial<JobRequest> = {}, now = T0): JobRecord {
  return buildJob({ name, dueTime: '10s', ...req }, now).record;
}

/** The contract every `scheduler.*` store meets (the engine relies on nothing else). */
export function describeJobStore(opts: StoreSuiteOptions): void {
  describe(`job store contract: ${opts.name}`, () => {
    let store: JobStore;
    let n = 0;
    /** A fresh scope per case, so cases never see each other's jobs. */
    const scope = (): JobScope => ({ namespace: 'default', appId: `app-${++n}` });

    beforeAll(async () => {
      store = await opts.open();
    });
    afterAll(async () => {
      await store?.close();
      await opts.cleanup?.();
    });

    it('writes and reads a job back exactly', async () => {
      const s = scope();
      const j = job('a', {
        schedule: '@every 1m',
        dueTime: '1000s',
        ttl: '123s',
        repeats: 123,
        data: { typeUrl: VALUE_TYPE_URL, value: Buffer.from('"hello world"') },
        failurePolicy: { kind: 'constant', intervalMs: 3000, maxRetries: 5 },
      });
      await store.put(s, j, false);
      expect(await store.get(s, 'a')).toEqual(j);
      const bytes = job('b', {
        data: { typeUrl: 'type.googleapis.com/x.Y', value: Buffer.from([0, 1, 255]) },
      });
      await store.put(s, bytes, false);
      expect((await store.get(s, 'b'))?.data).toEqual(bytes.data);
      const drop = job('c', { failurePolicy: { kind: 'drop' } });
      await store.put(s, drop, false);
      expect((await store.get(s, 'c'))?.failurePolicy).toEqual({ kind: 'drop' });
    });

    it('refuses an existing name unless told to overwrite, and overwriting clears the claim', async () => {
      const s = scope();
      await store.put(s, job('x', { schedule: '@daily' }), false);
      const err = await store.put(s, job('x', { schedule: '@weekly' }), false).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobAlreadyExistsError);
      expect((err as Error).message).toBe(`job already exists: 'app||default||${s.appId}||x'`);
      expect((await store.get(s, 'x'))?.schedule).toBe('@daily');
      await store.claim(s, { nowMs: T0 + 10e9, owner: 'o1', leaseUntilMs: T0 + 11e9, limit: 10 });
      const replacement = job('x', { schedule: '@weekly', repeats: 3 });
      await store.put(s, replacement, true);
      expect(await store.get(s, 'x')).toEqual(replacement);
      // The new job is claimable at once: the old claim went with the old job.
      expect(
        await store.claim(s, { nowMs: T0 + 10e9, owner: 'o2', leaseUntilMs: T0 + 11e9, limit: 10 }),
      ).toHaveLength(1);
    });

    it('scopes jobs by namespace and app id; lists, deletes and deletes by prefix', async () => {
      const s = scope();
      const other = { namespace: 'other', appId: s.appId };
      for (const name of ['r-1', 'r-2', 'keep']) await store.put(s, job(name), false);
      await store.put(other, job('r-1'), false);
      expect((await store.list(s)).map((j) => j.name)).toEqual(['keep', 'r-1', 'r-2']);
      expect(await store.deleteByPrefix(s, 'r-')).toBe(2);
      expect((await store.list(s)).map((j) => j.name)).toEqual(['keep']);
      expect(await store.get(other, 'r-1')).toBeDefined();
      expect(await store.delete(s, 'keep')).toBe(true);
      expect(await store.delete(s, 'keep')).toBe(false);
      expect(await store.get(s, 'keep')).toBeUndefined();
    });

    it('reports upcoming due times only within the horizon, earliest first, after foreign leases', async () => {
      const s = scope();
      await store.put(s, job('late', { dueTime: '100s' }), false);
      await store.put(s, job('soon', { dueTime: '2s' }), false);
      await store.put(s, job('now', { dueTime: '0s' }), false);
      expect(await store.upcoming(s, { beforeMs: T0 + 5000, owner: 'me', limit: 10 })).toEqual([
        { name: 'now', atMs: T0 },
        { name: 'soon', atMs: T0 + 2000 },
      ]);
      await store.claim(s, { nowMs: T0, owner: 'peer', leaseUntilMs: T0 + 3000, limit: 10 });
      expect(await store.upcoming(s, { beforeMs: T0 + 5000, owner: 'me', limit: 10 })).toEqual([
        { name: 'now', atMs: T0 + 3000 },
        { name: 'soon', atMs: T0 + 2000 },
      ]);
      expect(await store.upcoming(s, { beforeMs: T0 + 2500, owner: 'me', limit: 10 })).toEqual([
        { name: 'soon', atMs: T0 + 2000 },
      ]);
    });

    it('claims each due job once, however many claim at once, and again after the lease ends', async () => {
      const s = scope();
      for (let i = 0; i < 60; i++) await store.put(s, job(`j${i}`, { dueTime: `${i % 3}s` }), false);
      await store.put(s, job('future', { dueTime: '1h' }), false);
      const peers = await Promise.all([opts.open(), opts.open()]);
      try {
        const at = { nowMs: T0 + 5000, leaseUntilMs: T0 + 35_000 };
        const rounds = await Promise.all(
          [store, ...peers].flatMap((st, i) =>
            [0, 1, 2].map(() => st.claim(s, { ...at, owner: `o${i}`, limit: 10 })),
          ),
        );
        const names = rounds.flat().map((j) => j.name);
        expect(names).toHaveLength(60);
        expect(new Set(names).size).toBe(60);
        expect(await store.claim(s, { ...at, owner: 'late', limit: 100 })).toEqual([]);
        const after = await store.claim(s, {
          nowMs: T0 + 35_000,
          owner: 'next',
          leaseUntilMs: T0 + 65_000,
          limit: 100,
        });
        expect(after).toHaveLength(60);
        expect(after.map((j) => j.dueMs)).toEqual([...after.map((j) => j.dueMs)].sort((a, b) => a - b));
      } finally {
        await Promise.all(peers.map((p) => p.close()));
      }
    });

    it("completes only the owner's claim of the same revision, releasing it in the same write", async () => {
      const s = scope();
      const j = job('c', { schedule: '@every 1s', dueTime: '0s' });
      await store.put(s, j, false);
      const [claimed] = await store.claim(s, { nowMs: T0, owner: 'me', leaseUntilMs: T0 + 30_000, limit: 1 });
      const next = { count: 1, attempts: 0, lastTriggerMs: T0, dueMs: T0 + 1000 };
      const claimBy = (owner: string, revision: string) => ({ name: 'c', revision, owner });
      expect(
        await store.complete(s, [
          { claim: claimBy('other', claimed.revision), next },
          { claim: claimBy('me', 'stale'), next },
        ]),
      ).toEqual([false, false]);
      expect(await store.complete(s, [{ claim: claimBy('me', claimed.revision), next }])).toEqual([true]);
      expect(await store.get(s, 'c')).toMatchObject(next);
      const again = await store.claim(s, {
        nowMs: T0 + 1000,
        owner: 'me',
        leaseUntilMs: T0 + 31_000,
        limit: 1,
      });
      expect(again).toHaveLength(1);
      expect(
        await store.complete(s, [
          { claim: { name: 'c', revision: j.revision, owner: 'me' }, next: undefined },
        ]),
      ).toEqual([true]);
      expect(await store.get(s, 'c')).toBeUndefined();
    });

    it('completes a batch of advances and deletions in one call, per item', async () => {
      const s = scope();
      for (let i = 0; i < 6; i++) await store.put(s, job(`b${i}`, { dueTime: '0s' }), false);
      const claimed = await store.claim(s, { nowMs: T0, owner: 'me', leaseUntilMs: T0 + 30_000, limit: 10 });
      expect(claimed).toHaveLength(6);
      const written = await store.complete(
        s,
        claimed.map((j, i) => ({
          claim: { name: j.name, revision: i === 5 ? 'stale' : j.revision, owner: 'me' },
          next: i % 2 === 0 ? { count: 1, attempts: 0, lastTriggerMs: T0, dueMs: T0 + 60_000 } : undefined,
        })),
      );
      expect(written).toEqual([true, true, true, true, true, false]);
      const left = await store.list(s);
      expect(left.map((j) => [j.name, j.dueMs])).toEqual(
        [
          [claimed[0].name, T0 + 60_000],
          [claimed[2].name, T0 + 60_000],
          [claimed[4].name, T0 + 60_000],
          [claimed[5].name, T0],
        ].sort(),
      );
    });

    it('renews and releases leases', async () => {
      const s = scope();
      await store.put(s, job('l1', { dueTime: '0s' }), false);
      await store.put(s, job('l2', { dueTime: '0s' }), false);
      await store.claim(s, { nowMs: T0, owner: 'me', leaseUntilMs: T0 + 1000, limit: 10 });
      await store.renew(s, 'me', ['l1'], T0 + 60_000);
      const later = await store.claim(s, {
        nowMs: T0 + 2000,
        owner: 'peer',
        leaseUntilMs: T0 + 3000,
        limit: 10,
      });
      expect(later.map((j) => j.name)).toEqual(['l2']);
      expect(await store.release(s, 'me')).toBe(1);
      expect(
        (await store.claim(s, { nowMs: T0 + 2000, owner: 'peer', leaseUntilMs: T0 + 3000, limit: 10 })).map(
          (j) => j.name,
        ),
      ).toEqual(['l1']);
    });

    it('keeps jobs across a close and reopen', async () => {
      const s = scope();
      const j = job('durable', { schedule: '@every 24h' });
      await store.put(s, j, false);
      await store.close();
      store = await opts.open();
      expect(await store.get(s, 'durable')).toEqual(j);
    });
  });
}
