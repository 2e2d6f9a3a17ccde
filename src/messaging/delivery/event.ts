import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { PubSubMessage } from '../../components/pubsub/interface.js';
import { DEFAULT_EVENT_TYPE, type CloudEvent } from '../cloudevent.js';
import { readRawPayload } from '../raw-payload.js';

/**
 * The CloudEvent for a broker message. With `rawPayload` the bytes are wrapped as daprd does
 * (data_base64, application/octet-stream, new id, source Dapr); otherwise the message must be a JSON
 * CloudEvent. Trace fields missing from the event are filled from message metadata.
 *
 * Also returns the event's JSON bytes when the message's own bytes can be sent as they are: a JSON
 * CloudEvent in valid UTF-8 to which nothing was added. Delivery then skips re-serializing the
 * event (a JSON.stringify of every delivered message).
 */
export function readEvent(
  msg: PubSubMessage,
  pubsubName: string,
  raw: boolean,
): { event: CloudEvent; json?: Buffer } {
  if (raw) {
    // daprd's FromRawPayload: no `time`; trace fields only from the message's metadata.
    const event: CloudEvent = {
      id: randomUUID(),
      source: 'Dapr',
      type: DEFAULT_EVENT_TYPE,
      specversion: '1.0',
      datacontenttype: 'application/octet-stream',
      data_base64: msg.data.toString('base64'),
      topic: msg.topic,
      pubsubname: pubsubName,
    };
    const md = msg.metadata;
    if (md.traceid !== undefined) event.traceid = md.traceid;
    if (md.traceparent !== undefined) event.traceid = event.traceparent = md.traceparent;
    if (md.tracestate !== undefined) event.tracestate = md.tracestate;
    return { event };
  }
  const parsed = JSON.parse(msg.data.toString('utf8')) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new SyntaxError('the message is not a JSON CloudEvent');
  const ce = parsed as CloudEvent;
  let changed = false;
  const { traceparent, tracestate } = msg.metadata;
  if (ce.traceid === undefined && traceparent) {
    ce.traceid = traceparent;
    changed = true;
  }
  if (ce.traceparent === undefined && traceparent) {
    ce.traceparent = traceparent;
    changed = true;
  }
  if (ce.tracestate === undefined && tracestate) {
    ce.tracestate = tracestate;
    changed = true;
  }
  return { event: ce, json: changed || !isUtf8(msg.data) ? undefined : msg.data };
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Broker metadata as HTTP headers (names and values that are not valid HTTP are skipped). */
export function metadataHeaders(metadata: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (HEADER_NAME.test(k) && !/[\r\n\0]/.test(v)) out[k] = v;
  }
  return out;
}

/**
 * `rawPayload` subscription metadata, read as contrib's `IsRawPayload` (exact key, Go boolean). An
 * invalid value counts as false here (daprd fails each delivery instead).
 */
export function isRawPayload(metadata: Record<string, string>): boolean {
  return readRawPayload(metadata) === true;
}
