import { isCloudEventContentType, isJsonContentType, type CloudEvent } from '../cloudevent.js';
import { isString } from '../content-type.js';

/** `google.protobuf.Value` in proto-loader's object form. */
export type ValuePb =
  | { nullValue: 'NULL_VALUE' }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: StructPb }
  | { listValue: { values: ValuePb[] } };

export interface StructPb {
  fields: Record<string, ValuePb>;
}

/** `runtime.v1.TopicEventRequest`: a CloudEvent as daprd sends it to gRPC subscribers. */
export interface TopicEventRequestPb {
  id: string;
  source: string;
  type: string;
  specVersion: string;
  dataContentType: string;
  data: Buffer;
  topic: string;
  pubsubName: string;
  path: string;
  extensions: StructPb;
}

/** `runtime.v1.TopicEventCERequest`: one bulk entry's CloudEvent. */
export type TopicEventCERequestPb = Omit<TopicEventRequestPb, 'topic' | 'pubsubName' | 'path'>;

/** The attributes carried in their own fields; every other attribute is an extension. */
const OWN_FIELDS = new Set(['id', 'source', 'datacontenttype', 'type', 'specversion', 'data', 'data_base64']);

/**
 * daprd's `GRPCEnvelopeFromSubscriptionMessage`: `data_base64` decoded; `data` as bytes for text
 * and XML content types, JSON-encoded for JSON and CloudEvent content types, left out otherwise;
 * the remaining attributes (topic, traceparent, custom extensions...) in `extensions`.
 * Throws on data a string content type cannot carry (a retriable delivery error in daprd).
 */
export function topicEventRequest(
  event: CloudEvent,
  route: { pubsubName: string; topic: string; path: string },
): TopicEventRequestPb {
  return { ...cloudEventRequest(event), topic: route.topic, pubsubName: route.pubsubName, path: route.path };
}

export function cloudEventRequest(event: CloudEvent): TopicEventCERequestPb {
  const dataContentType = str(event.datacontenttype);
  let data = Buffer.alloc(0);
  const b64 = event.data_base64;
  if (b64 !== undefined && b64 !== null) {
    if (typeof b64 !== 'string') throw new TypeError('unexpected data type encountered in envelope');
    data = Buffer.from(b64, 'base64');
  } else if (event.data !== undefined && event.data !== null) {
    if (isString(dataContentType)) {
      if (typeof event.data !== 'string') throw new TypeError('unexpected data type encountered in envelope');
      data = Buffer.from(event.data, 'utf8');
    } else if (isJsonContentType(dataContentType) || isCloudEventContentType(dataContentType)) {
      data = Buffer.from(JSON.stringify(event.data));
    }
  }
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (!OWN_FIELDS.has(k)) extensions[k] = v;
  return {
    id: str(event.id),
    source: str(event.source),
    type: str(event.type),
    specVersion: str(event.specversion),
    dataContentType,
    data,
    extensions: toStruct(extensions),
  };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function toStruct(obj: Record<string, unknown>): StructPb {
  const fields: Record<string, ValuePb> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    Object.defineProperty(fields, k, { value: toValue(v), enumerable: true, writable: true });
  }
  return { fields };
}

function toValue(v: unknown): ValuePb {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  if (typeof v === 'object') return { structValue: toStruct(v as Record<string, unknown>) };
  return { stringValue: String(v) };
}

/** The JSON object of a `google.protobuf.Struct` in proto-loader's object form (with `kind` set). */
export function fromStruct(s: StructPb | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s?.fields ?? {}))
    Object.defineProperty(out, k, { value: fromValue(v), enumerable: true, writable: true });
  return out;
}

function fromValue(v: ValuePb & { kind?: string }): unknown {
  if ('numberValue' in v && (v.kind === undefined || v.kind === 'numberValue')) return v.numberValue;
  if ('stringValue' in v && (v.kind === undefined || v.kind === 'stringValue')) return v.stringValue;
  if ('boolValue' in v && (v.kind === undefined || v.kind === 'boolValue')) return v.boolValue;
  if ('structValue' in v && v.structValue) return fromStruct(v.structValue);
  if ('listValue' in v && v.listValue) return v.listValue.values.map(fromValue);
  return null;
}
