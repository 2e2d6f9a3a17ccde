import type { Logger } from '../../../diagnostics/logger.js';
import type { PubSubMessage } from '../interface.js';

/**
 * daprd's Redis Streams layout, shared with daprd on one Redis: the stream key is the topic, each
 * entry has a `data` field (the payload bytes) and, when the publish carried metadata, a `metadata`
 * field holding it as a JSON object of strings.
 */
export const DATA_FIELD = 'data';
export const METADATA_FIELD = 'metadata';

/** One stream entry as read back; `fields` is null for an entry still pending but trimmed from the stream. */
export interface StreamEntry {
  id: string;
  fields: Map<string, Buffer> | null;
}

export interface TrimOptions {
  /** `MAXLEN ~ n` when > 0; takes precedence over `streamTtlMs`, as in daprd. */
  maxLenApprox: number;
  /** `MINID ~ <now - ttl>-1` when > 0. */
  streamTtlMs: number;
  now: number;
}

/** XADD arguments (after the command name) for one publish: one round trip, daprd's fields. */
export function xaddArgs(
  topic: string,
  data: Buffer,
  metadata: Record<string, string>,
  trim: TrimOptions,
): (string | Buffer | number)[] {
  const args: (string | Buffer | number)[] = [topic];
  if (trim.maxLenApprox > 0) args.push('MAXLEN', '~', trim.maxLenApprox);
  else if (trim.streamTtlMs > 0) args.push('MINID', '~', `${trim.now - trim.streamTtlMs}-1`);
  args.push('*', DATA_FIELD, data);
  // daprd writes the field whenever the request has a metadata map; an empty map carries nothing,
  // so it is left out (daprd's reader treats a missing field as no metadata).
  if (Object.keys(metadata).length > 0) args.push(METADATA_FIELD, JSON.stringify(metadata));
  return args;
}

const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

/** `[[id, [field, value, ...] | null], ...]` → entries. */
export function parseEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((item: unknown) => {
    const [id, flat] = item as [unknown, unknown];
    if (!Array.isArray(flat)) return { id: text(id), fields: null };
    const fields = new Map<string, Buffer>();
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const v: unknown = flat[i + 1];
      fields.set(text(flat[i]), Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
    }
    return { id: text(id), fields };
  });
}

/**
 * The entries of an XREADGROUP reply for a single stream: RESP2 gives `[[key, entries]]`, RESP3 a
 * map that ioredis hands over flattened as `[key, entries]` (or as a Map); nil when nothing arrived.
 */
export function entriesOfReadReply(reply: unknown): StreamEntry[] {
  if (reply === null || reply === undefined) return [];
  if (reply instanceof Map) return [...reply.values()].flatMap((v) => parseEntries(v));
  if (!Array.isArray(reply) || reply.length === 0) return [];
  if (Array.isArray(reply[0])) return reply.flatMap((pair: unknown) => parseEntries((pair as unknown[])[1]));
  const out: StreamEntry[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push(...parseEntries(reply[i + 1]));
  return out;
}

/** XAUTOCLAIM reply: next cursor, claimed entries, and (Redis 7+) ids deleted from the stream. */
export function parseAutoClaimReply(reply: unknown): {
  next: string;
  entries: StreamEntry[];
  deleted: string[];
} {
  const [next, entries, deleted] = reply as [unknown, unknown, unknown];
  return {
    next: text(next),
    entries: parseEntries(entries),
    deleted: Array.isArray(deleted) ? deleted.map(text) : [],
  };
}

/** The message handed to the runtime for one entry, decoding the `metadata` field as daprd does. */
export function toMessage(topic: string, entry: StreamEntry, logger: Logger): PubSubMessage {
  const fields = entry.fields ?? new Map<string, Buffer>();
  const data = fields.get(DATA_FIELD) ?? Buffer.alloc(0);
  const metadata: Record<string, string> = {};
  const rawMetadata = fields.get(METADATA_FIELD);
  if (rawMetadata && rawMetadata.length > 0) {
    try {
      const parsed: unknown = JSON.parse(rawMetadata.toString('utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [k, v] of Object.entries(parsed)) {
          if (v !== null && v !== undefined) metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
        }
      } else {
        throw new Error('not a JSON object');
      }
    } catch (err) {
      // daprd logs and delivers the message without metadata.
      logger.warn({ err, topic, id: entry.id }, 'redis streams: could not decode the metadata of a message');
    }
  }
  return { topic, data, metadata };
}

/** Redis answers NOGROUP when the stream or its consumer group is gone (a server that lost its data). */
export function isNoGroupError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('NOGROUP');
}

/** XGROUP CREATE answers BUSYGROUP when the group exists already. */
export function isBusyGroupError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('BUSYGROUP');
}
