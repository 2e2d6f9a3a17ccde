import { randomUUID } from 'node:crypto';
import { getMetadataValue } from '../components/common/metadata.js';
import { isJsonObject } from '../components/common/json-object.js';
import { parseGoDuration } from '../scheduler/duration.js';
import { rfc3339Seconds } from '../components/common/time.js';
import { isCloudEventJson, isJson } from './content-type.js';
import { mayRound, parsePrecise, stringifyPrecise } from './precise-json.js';

export const CLOUDEVENT_CONTENT_TYPE = 'application/cloudevents+json';
export const DEFAULT_EVENT_TYPE = 'com.dapr.event.sent';

export type CloudEvent = Record<string, unknown> & {
  id?: string;
  source?: string;
  type?: string;
  specversion?: string;
  datacontenttype?: string;
  topic?: string;
  pubsubname?: string;
  traceid?: string;
  traceparent?: string;
  tracestate?: string;
  time?: string;
  expiration?: string;
  data?: unknown;
  data_base64?: string;
};

export interface EnvelopeInput {
  appId: string;
  pubsubName: string;
  topic: string;
  /** The payload; a function when its bytes are made only if needed (the JSON of `parsed`). */
  body: Buffer | (() => Buffer);
  /** The request's Content-Type; empty means `text/plain`. */
  contentType?: string;
  /**
   * `body` already parsed by the transport (JSON content types): spares parsing it again.
   * `precise`: `value` is from `parsePrecise` (its numbers as written, as daprd's UseNumber).
   */
  parsed?: { value: unknown; precise?: boolean };
  /** Request metadata: `cloudevent.*` overrides and `ttlInSeconds`. */
  metadata: Record<string, string>;
  traceparent?: string;
  tracestate?: string;
  /** The component expires messages natively (no `expiration` attribute needed). */
  nativeTtl: boolean;
  now?: () => number;
}

/** Lower-cased media type without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** `application/json` with or without parameters; other `+json` types are text to Dapr. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return isJson(contentType);
}

export function isCloudEventContentType(contentType: string | undefined): boolean {
  return isCloudEventJson(contentType);
}

/** RFC 3339 with seconds precision, as daprd stamps `time` and `expiration`. */
export const rfc3339 = rfc3339Seconds;

/**
 * Wraps a published payload in a CloudEvent exactly as daprd does (dapr-api.md §3.2), or, for a
 * body that already is a CloudEvent (`application/cloudevents+json`), completes it: `topic` and
 * `pubsubname` are always overwritten; `id` is not generated for a user's event.
 * Throws SyntaxError when a supplied CloudEvent is not a JSON object.
 */
export function buildEnvelope(input: EnvelopeInput, raw?: RawData): CloudEvent {
  const now = input.now ?? Date.now;
  const md = input.metadata;
  const override = (k: string) => getMetadataValue(md, `cloudevent.${k}`);
  const traceparent = override('traceparent') ?? override('traceid') ?? input.traceparent ?? '';
  const tracestate = override('tracestate') ?? input.tracestate ?? '';
  let ce: CloudEvent;
  let precise = input.parsed?.precise === true;
  if (isCloudEventContentType(input.contentType)) {
    let parsed: unknown;
    if (input.parsed) parsed = shallowCopy(input.parsed.value);
    else {
      const text = bytesOf(input.body).toString('utf8');
      parsed = JSON.parse(text);
      // daprd reads the event with UseNumber (contrib's FromCloudEvent): no number is rounded.
      if (mayRound(text) && isJsonObject(parsed)) {
        parsed = parsePrecise(text);
        precise = true;
      }
    }
    if (!isJsonObject(parsed)) throw new SyntaxError('the CloudEvent must be a JSON object');
    ce = parsed as CloudEvent;
    ce.specversion ??= '1.0';
    ce.source ??= 'Dapr';
    ce.type ??= DEFAULT_EVENT_TYPE;
    ce.time ??= rfc3339(now());
    if (ce.traceid === undefined) {
      ce.traceid = traceparent;
      ce.traceparent = traceparent;
    }
    ce.tracestate ??= tracestate;
  } else {
    const contentType = input.contentType || 'text/plain';
    ce = {
      // An empty override (or app id) falls back to the default, as daprd's envelope defaults do.
      id: override('id') || randomUUID(),
      source: (override('source') ?? input.appId) || 'Dapr',
      type: override('type') || DEFAULT_EVENT_TYPE,
      specversion: '1.0',
      datacontenttype: contentType,
      traceid: traceparent,
      traceparent,
      tracestate,
      time: rfc3339(now()),
    };
    const subject = override('subject');
    if (subject !== undefined) ce.subject = subject;
    if (input.parsed && isJsonContentType(contentType)) ce.data = input.parsed.value;
    else setData(ce, bytesOf(input.body), contentType, raw);
  }
  ce.topic = input.topic;
  ce.pubsubname = input.pubsubName;
  const ttlMs = messageTtlMs(md);
  if (ttlMs !== undefined && !input.nativeTtl) ce.expiration = rfc3339(now() + ttlMs);
  if (precise) {
    // The numbers stay as written in the JSON only: the event returned holds plain values.
    const text = stringifyPrecise(ce);
    if (raw) raw.envelope = text;
    return JSON.parse(text) as CloudEvent;
  }
  return ce;
}

/**
 * Out-parameter of buildEnvelope, when numbers must stay as written: `data`, the JSON text to
 * serialize `data` as; `envelope`, the whole event's JSON text (the event itself is not to be
 * changed then).
 */
export interface RawData {
  data?: string;
  envelope?: string;
}

const RAW_MARKER = `\u0000daprts-raw-data-${randomUUID()}\u0000`;

/**
 * The CloudEvent as JSON; with `raw.data`, its `data` is that text verbatim, so the numbers
 * JSON.parse would round (IDs past 2^53) reach the subscriber digit for digit, as from daprd.
 */
export function stringifyEnvelope(ce: CloudEvent, raw?: RawData): string {
  if (raw?.envelope !== undefined) return raw.envelope;
  if (raw?.data === undefined) return JSON.stringify(ce);
  return JSON.stringify({ ...ce, data: RAW_MARKER }).replace(JSON.stringify(RAW_MARKER), () => raw.data!);
}

export function bytesOf(body: Buffer | (() => Buffer)): Buffer {
  return typeof body === 'function' ? body() : body;
}

/** The caller's object is not ours to complete. */
function shallowCopy(v: unknown): unknown {
  return isJsonObject(v) ? { ...v } : v;
}

function setData(ce: CloudEvent, body: Buffer, contentType: string, raw?: RawData): void {
  const t = mediaType(contentType);
  if (isJsonContentType(contentType)) {
    const text = body.toString('utf8');
    try {
      ce.data = JSON.parse(text);
      // daprd decodes the data with UseNumber: integers past 2^53 keep every digit.
      if (raw && mayRound(text)) raw.data = text.trim();
    } catch {
      ce.data = text;
    }
  } else if (
    t === 'application/octet-stream' ||
    t === 'application/protobuf' ||
    t === 'application/x-protobuf'
  ) {
    ce.data_base64 = body.toString('base64');
  } else {
    ce.data = body.toString('utf8');
  }
}

/**
 * The message TTL from publish metadata, as contrib's `TryGetTTL`: the first of `ttl` and
 * `ttlInSeconds` present (any case), read as a Go duration (negative = 0) or else as whole positive
 * seconds. Anything else is no TTL at all: daprd ignores the error and publishes (no 400).
 */
export function messageTtlMs(md: Record<string, string>): number | undefined {
  const v = getMetadataValue(md, 'ttl') ?? getMetadataValue(md, 'ttlInSeconds');
  if (v === undefined || v === '') return undefined;
  const ms = parseGoDuration(v);
  if (ms !== undefined) return Math.max(0, ms);
  if (!/^[+-]?\d+$/.test(v)) return undefined;
  const seconds = Number(v);
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
}

/** True when the event carries an `expiration` in the past. */
export function isExpired(ce: CloudEvent, now: number): boolean {
  if (typeof ce.expiration !== 'string') return false;
  const t = Date.parse(ce.expiration);
  return Number.isFinite(t) && t <= now;
}
