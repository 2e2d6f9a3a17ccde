import { parse, stringify } from 'lossless-json';

/**
 * A number JSON.parse may not keep as written: a digit run past what a double holds exactly
 * (2^53 has 16 digits) or an exponent from 308 on (a double turns Infinity or 0 past it). A
 * match inside a JSON string is harmless: the precise path then gives the same value.
 */
const LONG_NUMBER = /\d{16,}|\d[eE][+-]?0*(?:30[89]|3[1-9]\d|[4-9]\d\d|[1-9]\d{3,})/;

/**
 * Whether JSON text may hold a number that JSON.parse would round. Only then is the precise
 * (slower) path taken: anything else stays JSON.parse/JSON.stringify.
 */
export function mayRound(text: string): boolean {
  return LONG_NUMBER.test(text);
}

/**
 * JSON text parsed as Go's decoder with UseNumber reads it (daprd's `unmarshalPrecise`): every
 * number is kept as written (a `LosslessNumber`); a repeated key takes its last value, as with
 * JSON.parse. The result is only for `stringifyPrecise`: never hand its numbers to anything else.
 * Throws a SyntaxError on invalid JSON (call it on text JSON.parse accepted).
 */
export function parsePrecise(text: string): unknown {
  return parse(text, null, { onDuplicateKey: ({ newValue }) => newValue });
}

/** JSON.stringify that writes the numbers of `parsePrecise` as they were written. */
export function stringifyPrecise(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}
