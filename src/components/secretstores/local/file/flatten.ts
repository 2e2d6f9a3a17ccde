/**
 * How `secretstores.local.file` turns its JSON document into secrets (components-contrib
 * secretstores/local/file, dapr-api.md §5.4).
 *
 * - Plain: every leaf of the document becomes a single-value secret whose name is its path joined
 *   with the separator (`{"db":{"user":"u"}}` → `db:user`; arrays by index, `arr:0`).
 * - `multiValued`: each top-level key is one secret. An object becomes a multi-key secret whose
 *   keys are its flattened leaves; a string stays a single-value secret; other top-level values
 *   (numbers, booleans, arrays, null) are left out, as daprd leaves them out.
 *
 * Leaves are rendered as text: strings as they are, numbers and booleans as their JSON text,
 * null as ''. (daprd renders non-string leaves with Go's `%s` verb, e.g. `%!s(float64=5432)`;
 * that rendering is an accident of Go formatting, so the readable JSON text is used here.)
 * A path met twice (`{"a:b":"1","a":{"b":"2"}}`) keeps its first value and is reported.
 */

import { isJsonObject } from '../../../common/json-object.js';

/** A secret as the store keeps it: a single value, or the key/value pairs of a multi-valued one. */
export type StoredSecret = string | Record<string, string>;

export interface FlattenResult {
  secrets: Map<string, StoredSecret>;
  /** Paths met more than once (their first value was kept). */
  duplicates: string[];
  /** Top-level keys left out in multi-valued mode (neither a string nor an object). */
  skipped: string[];
}

export function leafText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return String(v);
}

/** Flattens a JSON value to `path → text`; `into` collects the leaves. */
export function flattenInto(
  value: unknown,
  path: string[],
  separator: string,
  into: Map<string, string>,
  duplicates: string[],
): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => flattenInto(v, [...path, String(i)], separator, into, duplicates));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flattenInto(v, [...path, k], separator, into, duplicates);
    return;
  }
  const key = path.join(separator);
  if (into.has(key)) {
    duplicates.push(key);
    return;
  }
  into.set(key, leafText(value));
}

/** The secrets of a parsed secrets file (`doc` must be a JSON object). */
export function flattenSecrets(
  doc: Record<string, unknown>,
  opts: { separator: string; multiValued: boolean },
): FlattenResult {
  const duplicates: string[] = [];
  const skipped: string[] = [];
  const secrets = new Map<string, StoredSecret>();
  if (!opts.multiValued) {
    const flat = new Map<string, string>();
    flattenInto(doc, [], opts.separator, flat, duplicates);
    for (const [k, v] of flat) secrets.set(k, v);
    return { secrets, duplicates, skipped };
  }
  for (const [name, value] of Object.entries(doc)) {
    if (typeof value === 'string') {
      secrets.set(name, value);
    } else if (isJsonObject(value)) {
      const flat = new Map<string, string>();
      flattenInto(value, [], opts.separator, flat, duplicates);
      secrets.set(name, Object.fromEntries(flat));
    } else {
      skipped.push(name);
    }
  }
  return { secrets, duplicates, skipped };
}
