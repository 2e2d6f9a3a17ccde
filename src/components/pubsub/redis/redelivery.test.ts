import { describe, expect, it } from 'vitest';
import { redisPubsubSuite } from '../../../../test/helpers/redis-pubsub.js';
import { Inbox, delay } from './testing.js';

describe('pubsub.redis redelivery', () => {
  const { raw, topic, pubsub, subscribe, publish, pending } = redisPubsubSuite('redelivery');

  /** A handler that took longer than processingTimeout ran while another call had the same message. */
  function overlaps(...inboxes: Inbox[]): string[] {
    const all = inboxes.flatMap((i) => i.deliveries);
    return all
      .filter((a) =>
        all.some(
          (b) =>
            b !== a &&
            b.text === a.text &&
            b.startedAt < (a.endedAt ?? Infinity) &&
            a.startedAt <= b.startedAt,
        ),
      )
      .map((d) => d.text);
  }

  it('redelivers a rejected message after processingTimeout, and loses none', async () => {
    const p = await pubsub({ consumerID: 'reject', processingTimeout: '300ms', redeliverInterval: '50ms' });
    const t = topic();
    const inbox = new Inbox((_d, calls) => (calls === 1 ? Promise.reject(new Error('RETRY')) : undefined));
    await subscribe(p, t, inbox);
    const texts = ['a', 'b', 'c', 'd', 'e'];
    for (const text of texts) await publish(p, t, text);
    await inbox.until((i) => i.deliveries.length === 10 && i.inFlight === 0);
    expect([...inbox.counts().entries()].sort()).toEqual(texts.map((x) => [x, 2]));
    for (const text of texts) {
      const [first, second] = inbox.deliveries.filter((d) => d.text === text);
      // Idle time restarts at the last keep-alive (processingTimeout / 4) before the rejection.
      expect(second.startedAt - (first.endedAt ?? 0)).toBeGreaterThanOrEqual(200);
    }
    await expect.poll(() => pending(t, 'reject')).toBe(0);
  });

  it('does not redeliver a message whose slow handler is still running (components-contrib#4599)', async () => {
    const md = {
      consumerID: 'slow',
      concurrency: '1',
      processingTimeout: '400ms',
      redeliverInterval: '50ms',
    };
    const t = topic();
    // This process does not re-claim (its own reclaim would also refresh the entries): only the
    // keep-alive protects them.
    const a = await pubsub({ ...md, redeliverInterval: '0' });
    for (let i = 0; i < 6; i++) await publish(a, t, `m${i}`);
    // One process reads all six at once and works through them for 1.5 s, far beyond processingTimeout...
    const slow = new Inbox(() => delay(250));
    await subscribe(a, t, slow);
    await slow.count(1);
    // ...while another process of the same group keeps looking for idle entries to re-claim.
    const other = new Inbox();
    await subscribe(await pubsub(md), t, other);
    await slow.until((i) => i.deliveries.length === 6 && i.inFlight === 0, 5000);
    await delay(500);
    expect(other.texts()).toEqual([]);
    expect([...slow.counts().values()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(overlaps(slow, other)).toEqual([]);
    await expect.poll(() => pending(t, 'slow')).toBe(0);
  });

  it('control: with the keep-alive disabled (daprd before #4601) the other process re-claims them', async () => {
    const md = {
      consumerID: 'slow',
      concurrency: '1',
      processingTimeout: '400ms',
      redeliverInterval: '50ms',
    };
    const t = topic();
    const a = await pubsub({ ...md, redeliverInterval: '0', entryKeepAliveInterval: '0' });
    for (let i = 0; i < 6; i++) await publish(a, t, `m${i}`);
    const slow = new Inbox(() => delay(250));
    await subscribe(a, t, slow);
    await slow.count(1);
    const other = new Inbox();
    await subscribe(await pubsub(md), t, other);
    await slow.until((i) => i.deliveries.length === 6 && i.inFlight === 0, 5000);
    expect(other.deliveries.length).toBeGreaterThan(0);
  });

  it('does not re-claim its own running handler either, and leaves the delivery count alone', async () => {
    const p = await pubsub({ consumerID: 'own', processingTimeout: '200ms', redeliverInterval: '20ms' });
    const t = topic();
    const inbox = new Inbox(() => delay(800));
    await subscribe(p, t, inbox);
    await publish(p, t, 'long');
    await inbox.count(1);
    const [[, , , deliveries]] = (await raw.xpending(t, 'own', '-', '+', 10)) as [
      string,
      string,
      number,
      number,
    ][];
    await inbox.until((i) => i.inFlight === 0);
    await delay(300);
    expect(inbox.texts()).toEqual(['long']);
    expect(deliveries).toBe(1);
  });

  it('skips entries trimmed from the stream while pending', async () => {
    const p = await pubsub({ consumerID: 'trim', processingTimeout: '200ms', redeliverInterval: '50ms' });
    const t = topic();
    const inbox = new Inbox((d) => (d.text === 'gone' ? Promise.reject(new Error('RETRY')) : undefined));
    await subscribe(p, t, inbox);
    await publish(p, t, 'gone');
    await inbox.until((i) => i.deliveries.length === 1 && i.inFlight === 0);
    const [[id]] = await raw.xrange(t, '-', '+');
    await raw.xdel(t, id);
    await publish(p, t, 'kept');
    await inbox.count(2);
    await delay(400);
    expect(inbox.texts()).toEqual(['gone', 'kept']);
    await expect.poll(() => pending(t, 'trim')).toBe(0);
  });
});
