import { sleep, waitFor } from '../../src/components/pubsub/jetstream/testing.js';

export interface OutageRun {
  /** The payloads whose publish resolved. */
  confirmed: Set<string>;
  /** Publishes that rejected. */
  failed: number;
  /** Payloads delivered more than once. */
  duplicates: number;
}

/**
 * Publishes `"0"`, `"1"`, … every 2 ms (after a failed publish, `retryPauseMs` more) while the broker
 * goes down and comes back: 100 confirmed publishes, then `restart()`, then 100 more confirmed ones.
 * Then waits (30 s at most) until every confirmed payload is in `delivered` (payload → delivery count,
 * filled by the test's handler).
 */
export async function publishAcrossRestart(opts: {
  publish: (data: Buffer) => Promise<void>;
  delivered: Map<string, number>;
  restart: () => Promise<void>;
  /** Names the first wait in its timeout error: `publishes before the <beforeWhat>`. */
  beforeWhat: string;
  retryPauseMs?: number;
}): Promise<OutageRun> {
  const confirmed = new Set<string>();
  let failed = 0;
  let stop = false;
  let restarted = false;
  let confirmedAfterRestart = 0;
  const publisher = (async () => {
    for (let i = 0; !stop; i++) {
      try {
        await opts.publish(Buffer.from(String(i)));
        confirmed.add(String(i));
        if (restarted) confirmedAfterRestart++;
      } catch {
        failed++;
        if (opts.retryPauseMs) await sleep(opts.retryPauseMs);
      }
      await sleep(2);
    }
  })();

  await waitFor(() => confirmed.size >= 100, 10_000, `publishes before the ${opts.beforeWhat}`);
  await opts.restart();
  restarted = true;
  await waitFor(() => confirmedAfterRestart >= 100, 30_000, 'publishes after the restart');
  stop = true;
  await publisher;

  await waitFor(
    () => [...confirmed].every((k) => opts.delivered.has(k)),
    30_000,
    'every confirmed message delivered',
  );
  const duplicates = [...opts.delivered.values()].filter((n) => n > 1).length;
  return { confirmed, failed, duplicates };
}
