import type { JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { Logger } from '../../../diagnostics/logger.js';
import type { PubSubMessage, PublishRequest } from '../interface.js';

/** Header carrying the publish content type (handed back as `PubSubMessage.contentType`). */
export const CONTENT_TYPE_HEADER = 'Content-Type';

/**
 * `Nats-*` headers steer the server (`Nats-Msg-Id` dedup, `Nats-Expected-*`, `Nats-Rollup` purges,
 * `Nats-TTL`...). Publish metadata with such names is not forwarded, and the server's own `Nats-*`
 * headers are not handed back as metadata (a dead-letter republish would carry them along).
 */
const isServerHeader = (name: string) => name.toLowerCase().startsWith('nats-');

const VALID_NAME = /^[\x21-\x39\x3b-\x7e]+$/; // visible ASCII without ':'

/** Publish metadata (and content type) as NATS headers; names or values NATS cannot carry are skipped with a warning. */
export function toHeaders(req: PublishRequest, log: Logger): MsgHdrs | undefined {
  const entries = Object.entries(req.metadata);
  if (entries.length === 0 && !req.contentType) return undefined;
  const h = natsHeaders();
  for (const [k, v] of entries) {
    if (isServerHeader(k) || k === CONTENT_TYPE_HEADER) continue;
    if (!VALID_NAME.test(k) || /[\r\n]/.test(v)) {
      log.warn(
        { key: k, topic: req.topic },
        'jetstream: publish metadata entry cannot be a NATS header; not carried',
      );
      continue;
    }
    h.set(k, v);
  }
  if (req.contentType && !/[\r\n]/.test(req.contentType)) h.set(CONTENT_TYPE_HEADER, req.contentType);
  return h;
}

/** The broker message as the runtime sees it: carried headers as metadata, plus daprd's `Topic` (the subject). */
export function fromJsMsg(m: JsMsg, topic: string): PubSubMessage {
  const metadata: Record<string, string> = {};
  let contentType: string | undefined;
  const h = m.headers;
  if (h) {
    for (const k of h.keys()) {
      if (isServerHeader(k)) continue;
      if (k === CONTENT_TYPE_HEADER) contentType = h.get(k);
      else metadata[k] = h.get(k);
    }
  }
  metadata.Topic = m.subject;
  const d = m.data;
  return { topic, data: Buffer.from(d.buffer, d.byteOffset, d.byteLength), metadata, contentType };
}

/**
 * The `Nats-Msg-Id` for a publish: the CloudEvent id (as daprd does, so a retried publish is stored
 * once within the stream's duplicate window), prefixed with the topic so that the same event
 * published to another topic of the same stream (a dead-letter topic) is not taken for a duplicate.
 * Undefined for payloads that are not a JSON CloudEvent with an id.
 */
export function messageId(req: PublishRequest): string | undefined {
  const ct = req.contentType?.toLowerCase();
  if (ct !== undefined && !ct.includes('cloudevents') && !ct.includes('json')) return undefined;
  if (req.data.length === 0 || req.data[0] !== 0x7b /* { */) return undefined;
  try {
    const ce = JSON.parse(req.data.toString('utf8')) as { id?: unknown; specversion?: unknown };
    if (typeof ce.id === 'string' && ce.id !== '' && ce.specversion !== undefined)
      return `${req.topic}:${ce.id}`;
  } catch {
    // not JSON: no id
  }
  return undefined;
}
