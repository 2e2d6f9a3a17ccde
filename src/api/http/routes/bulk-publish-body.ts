import type { DaprError } from '../../../errors/dapr-error.js';
import { mayRound, parsePrecise } from '../../../messaging/precise-json.js';
import { scanFirstValue } from './go-json-scan.js';

/** One entry of a bulk publish body, as daprd's `bulkPublishMessageEntry` decodes it. */
export interface BulkEntryJson {
  entryId: string;
  event: unknown;
  contentType: string;
  metadata?: Record<string, string>;
  /** `event` with its numbers as written (`parsePrecise`), when the body may hold rounded ones. */
  preciseEvent?: { value: unknown };
}

/** The body's entries; `precise`, the same read by `parsePrecise`, when JSON.parse may round. */
export interface DecodedBody {
  entries: unknown[];
  precise?: unknown[];
}

const GO_ENTRY = 'http.bulkPublishMessageEntry';
const FIELDS = ['entryId', 'event', 'contentType', 'metadata'] as const;
type Field = (typeof FIELDS)[number];

/**
 * The body as daprd's `json.NewDecoder(body).Decode(&[]bulkPublishMessageEntry)`: a JSON array
 * (`null` is an empty one); anything else fails with Go's error text, given to `fail`. When a
 * number may be rounded by JSON.parse, `precise` holds the entries with numbers as written: their
 * events then reach subscribers digit for digit (64-bit IDs).
 */
export function decodeBody(body: Buffer, fail: (why: string) => DaprError): DecodedBody {
  let text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Go's Decoder reads the first value only: its syntax error, or that value (what follows is unread).
    const scan = scanFirstValue(body);
    if ('error' in scan) throw fail(scan.error);
    text = body.subarray(0, scan.end).toString('utf8');
    parsed = JSON.parse(text);
  }
  if (parsed === null) return { entries: [] };
  if (!Array.isArray(parsed)) throw fail(typeError(parsed, `[]${GO_ENTRY}`));
  if (!mayRound(text)) return { entries: parsed };
  return { entries: parsed, precise: parsePrecise(text) as unknown[] };
}

/**
 * One array element; `null` is the zero entry, field names match case-insensitively as Go does.
 * `precise` is the same element from `DecodedBody.precise`: only its event is read.
 */
export function decodeEntry(
  raw: unknown,
  fail: (why: string) => DaprError,
  precise?: unknown,
): BulkEntryJson {
  const entry: BulkEntryJson = { entryId: '', event: undefined, contentType: '' };
  if (raw === null) return entry;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw fail(typeError(raw, GO_ENTRY));
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const f = FIELDS.find((name) => name.toLowerCase() === k.toLowerCase());
    if (f === undefined) continue;
    if (f === 'event') {
      entry.event = v;
      if (precise !== undefined) entry.preciseEvent = { value: (precise as Record<string, unknown>)[k] };
    } else if (f === 'metadata') entry.metadata = metadataOf(v, fail);
    else if (v !== null) {
      if (typeof v !== 'string') throw fail(fieldError(v, f, 'string'));
      entry[f] = v;
    }
  }
  return entry;
}

function metadataOf(v: unknown, fail: (why: string) => DaprError): Record<string, string> | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw fail(fieldError(v, 'metadata', 'map[string]string'));
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === null) continue;
    if (typeof val !== 'string') throw fail(fieldError(val, `metadata.${k}`, 'string'));
    out[k] = val;
  }
  return out;
}

/** Go's name of a JSON value's kind in an UnmarshalTypeError. */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeError(v: unknown, goType: string): string {
  return `json: cannot unmarshal ${goKind(v)} into Go value of type ${goType}`;
}

function fieldError(v: unknown, field: Field | `metadata.${string}`, goType: string): string {
  return `json: cannot unmarshal ${goKind(v)} into Go struct field bulkPublishMessageEntry.${field} of type ${goType}`;
}
