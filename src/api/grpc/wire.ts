/**
 * A small protobuf wire codec for the few well-known messages the gRPC layer builds by hand:
 * `google.rpc.Status` with its detail types (the `grpc-status-details-bin` trailer) and
 * `google.protobuf.Value` (job data given as JSON). The Dapr messages themselves go through
 * `@grpc/proto-loader`; these types are not in the `.proto` files `@dapr/dapr` ships.
 */
import type { ErrorDetail } from '../../errors/dapr-error.js';

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

/** Appends protobuf fields to a growing list of chunks. */
class Writer {
  private readonly chunks: Buffer[] = [];

  varint(field: number, value: number): this {
    return this.tag(field, VARINT).raw(varint(value));
  }

  bytes(field: number, value: Buffer): this {
    return this.tag(field, LEN).raw(varint(value.length)).raw(value);
  }

  string(field: number, value: string | undefined): this {
    return value ? this.bytes(field, Buffer.from(value, 'utf8')) : this;
  }

  double(field: number, value: number): this {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleLE(value);
    return this.tag(field, FIXED64).raw(b);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private tag(field: number, wire: number): this {
    return this.raw(varint(field * 8 + wire));
  }

  private raw(b: Buffer): this {
    this.chunks.push(b);
    return this;
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

/** One decoded field: varints as numbers, length-delimited fields as buffers. */
interface Field {
  field: number;
  wire: number;
  num: number;
  buf: Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  const readVarint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw new RangeError('truncated protobuf varint');
      const b = buf[pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
  };
  while (pos < buf.length) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    const empty = Buffer.alloc(0);
    if (wire === VARINT) yield { field, wire, num: readVarint(), buf: empty };
    else if (wire === FIXED64) {
      yield { field, wire, num: buf.readDoubleLE(pos), buf: buf.subarray(pos, pos + 8) };
      pos += 8;
    } else if (wire === LEN) {
      const len = readVarint();
      if (pos + len > buf.length) throw new RangeError('truncated protobuf field');
      yield { field, wire, num: len, buf: buf.subarray(pos, pos + len) };
      pos += len;
    } else if (wire === FIXED32) {
      yield { field, wire, num: buf.readUInt32LE(pos), buf: buf.subarray(pos, pos + 4) };
      pos += 4;
    } else throw new RangeError(`unsupported protobuf wire type ${wire}`);
  }
}

const TYPE_PREFIX = 'type.googleapis.com/';

/** `google.rpc.Status` bytes, as gRPC servers send in `grpc-status-details-bin`. */
export function encodeStatus(code: number, message: string, details: readonly ErrorDetail[] = []): Buffer {
  const w = new Writer().varint(1, code).string(2, message);
  for (const d of details) {
    const any = new Writer().string(1, d['@type']).bytes(2, encodeDetail(d)).finish();
    w.bytes(3, any);
  }
  return w.finish();
}

function encodeDetail(d: ErrorDetail): Buffer {
  const w = new Writer();
  switch (d['@type']) {
    case 'type.googleapis.com/google.rpc.ErrorInfo':
      w.string(1, d.reason).string(2, d.domain);
      for (const [k, v] of Object.entries(d.metadata ?? {}))
        w.bytes(3, new Writer().string(1, k).string(2, v).finish());
      break;
    case 'type.googleapis.com/google.rpc.ResourceInfo':
      w.string(1, d.resource_type).string(2, d.resource_name).string(3, d.owner).string(4, d.description);
      break;
    case 'type.googleapis.com/google.rpc.BadRequest':
      for (const v of d.field_violations)
        w.bytes(1, new Writer().string(1, v.field).string(2, v.description).finish());
      break;
    case 'type.googleapis.com/google.rpc.Help':
      for (const l of d.links) w.bytes(1, new Writer().string(1, l.description).string(2, l.url).finish());
      break;
  }
  return w.finish();
}

/** A decoded `google.rpc.Status`: known detail types as Dapr renders them, others as their type URL. */
export interface DecodedStatus {
  code: number;
  message: string;
  details: (ErrorDetail | { '@type': string })[];
}

export function decodeStatus(buf: Buffer): DecodedStatus {
  const out: DecodedStatus = { code: 0, message: '', details: [] };
  for (const f of fields(buf)) {
    if (f.field === 1) out.code = f.num;
    else if (f.field === 2) out.message = f.buf.toString('utf8');
    else if (f.field === 3) {
      let type = '';
      let value: Buffer = Buffer.alloc(0);
      for (const a of fields(f.buf)) {
        if (a.field === 1) type = a.buf.toString('utf8');
        else if (a.field === 2) value = a.buf;
      }
      out.details.push(decodeDetail(type, value));
    }
  }
  return out;
}

function decodeDetail(type: string, value: Buffer): ErrorDetail | { '@type': string } {
  const strings = (buf: Buffer): Map<number, string> => {
    const m = new Map<number, string>();
    for (const f of fields(buf)) if (f.wire === LEN) m.set(f.field, f.buf.toString('utf8'));
    return m;
  };
  if (type === `${TYPE_PREFIX}google.rpc.ErrorInfo`) {
    const metadata: Record<string, string> = {};
    let reason = '';
    let domain = '';
    for (const f of fields(value)) {
      if (f.field === 1) reason = f.buf.toString('utf8');
      else if (f.field === 2) domain = f.buf.toString('utf8');
      else if (f.field === 3) {
        const e = strings(f.buf);
        setOwn(metadata, e.get(1) ?? '', e.get(2) ?? '');
      }
    }
    return { '@type': type, reason, domain, ...(Object.keys(metadata).length ? { metadata } : {}) };
  }
  if (type === `${TYPE_PREFIX}google.rpc.ResourceInfo`) {
    const s = strings(value);
    return {
      '@type': type,
      resource_type: s.get(1) ?? '',
      resource_name: s.get(2) ?? '',
      owner: s.get(3) ?? '',
      description: s.get(4) ?? '',
    };
  }
  if (type === `${TYPE_PREFIX}google.rpc.BadRequest`) {
    const field_violations = [...fields(value)]
      .filter((f) => f.field === 1)
      .map((f) => {
        const s = strings(f.buf);
        return { field: s.get(1) ?? '', description: s.get(2) ?? '' };
      });
    return { '@type': type, field_violations };
  }
  return { '@type': type };
}

/** `google.protobuf.Value` bytes for a JSON value. */
export function encodeValue(value: unknown): Buffer {
  const w = new Writer();
  if (value === null || value === undefined) w.varint(1, 0);
  else if (typeof value === 'number') w.double(2, value);
  else if (typeof value === 'string') w.bytes(3, Buffer.from(value, 'utf8'));
  else if (typeof value === 'boolean') w.varint(4, value ? 1 : 0);
  else if (Array.isArray(value)) {
    const list = new Writer();
    for (const v of value) list.bytes(1, encodeValue(v));
    w.bytes(6, list.finish());
  } else {
    const struct = new Writer();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      struct.bytes(1, new Writer().string(1, k).bytes(2, encodeValue(v)).finish());
    }
    w.bytes(5, struct.finish());
  }
  return w.finish();
}

/** The JSON value of `google.protobuf.Value` bytes (an empty message is JSON null). */
export function decodeValue(buf: Buffer): unknown {
  let out: unknown = null;
  for (const f of fields(buf)) {
    if (f.field === 1) out = null;
    else if (f.field === 2) out = f.num;
    else if (f.field === 3) out = f.buf.toString('utf8');
    else if (f.field === 4) out = f.num !== 0;
    else if (f.field === 5) {
      const obj: Record<string, unknown> = {};
      for (const entry of fields(f.buf)) {
        if (entry.field !== 1) continue;
        let key = '';
        let val: unknown = null;
        for (const e of fields(entry.buf)) {
          if (e.field === 1) key = e.buf.toString('utf8');
          else if (e.field === 2) val = decodeValue(e.buf);
        }
        setOwn(obj, key, val);
      }
      out = obj;
    } else if (f.field === 6)
      out = [...fields(f.buf)].filter((e) => e.field === 1).map((e) => decodeValue(e.buf));
  }
  return out;
}

/** Sets an own property, even `__proto__`, without touching the prototype. */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
