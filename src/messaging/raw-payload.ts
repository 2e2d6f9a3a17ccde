/** The metadata key, matched exactly (contrib's `IsRawPayload` reads `props["rawPayload"]`). */
export const RAW_PAYLOAD_KEY = 'rawPayload';

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's `strconv.ParseBool`; undefined when the text is none of its spellings. */
export function goParseBool(text: string): boolean | undefined {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}

/**
 * `rawPayload` from publish or subscription metadata, as contrib's `IsRawPayload`: the exact key
 * (`rawpayload` is not it), absent or empty = false; `invalid` when the value is not a Go boolean.
 */
export function readRawPayload(metadata: Record<string, string>): boolean | 'invalid' {
  const v = Object.hasOwn(metadata, RAW_PAYLOAD_KEY) ? metadata[RAW_PAYLOAD_KEY] : undefined;
  if (v === undefined || v === '') return false;
  return goParseBool(v) ?? 'invalid';
}
