import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { isBusyGroupError } from './streams.js';

/** `XGROUP CREATE <topic> <group> 0 MKSTREAM`, as daprd: a new group starts at the beginning of the stream. */
export async function ensureGroup(client: Redis, topic: string, group: string): Promise<void> {
  try {
    await client.call('XGROUP', 'CREATE', topic, group, '0', 'MKSTREAM');
  } catch (err) {
    if (!isBusyGroupError(err)) throw err;
  }
}

// Consumer names in use by live components of this process, per group.
const liveNames = new Set<string>();

/**
 * A consumer name unique among live processes: `<hostname>-<pid>`, with a `-<n>` suffix for a second
 * live component of the same group in one process. The name is stable when a containerised sidecar
 * restarts (same pod name, same pid), so the restarted process finds its own pending entries at once.
 * (daprd uses `consumerID` itself as the consumer name, so all its replicas share one.)
 */
export function claimConsumerName(group: string): { name: string; release: () => void } {
  const base = `${hostname()}-${process.pid}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    const key = `${group}\u0000${name}`;
    if (liveNames.has(key)) continue;
    liveNames.add(key);
    return { name, release: () => liveNames.delete(key) };
  }
}

/** Consumers idle this long with nothing pending are left-overs of processes that ended. */
export const STALE_CONSUMER_IDLE_MS = 3_600_000;

/**
 * Removes consumers of the group that have nothing pending and have not read for an hour (ended
 * processes: names are per process, so they would otherwise pile up). Removing a consumer with no
 * pending entries loses nothing, and Redis recreates it if it ever reads again. Best effort.
 */
export async function pruneStaleConsumers(client: Redis, topic: string, group: string, keep: string) {
  let reply: unknown;
  try {
    reply = await client.call('XINFO', 'CONSUMERS', topic, group);
  } catch {
    return;
  }
  if (!Array.isArray(reply)) return;
  for (const item of reply) {
    const info = toRecord(item);
    const name = String(info.name ?? '');
    if (!name || name === keep) continue;
    if (Number(info.pending) === 0 && Number(info.idle) > STALE_CONSUMER_IDLE_MS) {
      await client.call('XGROUP', 'DELCONSUMER', topic, group, name).catch(() => undefined);
    }
  }
}

/** XINFO answers maps: a flat `[k, v, k, v]` array (RESP2, or RESP3 as ioredis hands it over) or a Map. */
function toRecord(item: unknown): Record<string, unknown> {
  if (item instanceof Map) return Object.fromEntries([...item].map(([k, v]) => [String(k), v]));
  const out: Record<string, unknown> = {};
  if (Array.isArray(item)) for (let i = 0; i + 1 < item.length; i += 2) out[String(item[i])] = item[i + 1];
  return out;
}
