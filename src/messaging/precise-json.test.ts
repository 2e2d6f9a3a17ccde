import { describe, expect, it } from 'vitest';
import { mayRound, parsePrecise, stringifyPrecise } from './precise-json.js';

const BIG =
  '{"id":12345678901234567890,"neg":-98765432109876543210,"f":1.5e300,"pad":"1234567890123456789012"}';

describe('mayRound', () => {
  it('is true for a digit run a double may not hold, or a three-digit exponent', () => {
    expect(mayRound('{"id":12345678901234567890}')).toBe(true);
    expect(mayRound('[-98765432109876543210]')).toBe(true);
    expect(mayRound('0.12345678901234567')).toBe(true);
    expect(mayRound('{"big":1e400}')).toBe(true);
    expect(mayRound('{"tiny":1E-400}')).toBe(true);
    // A digit run inside a string takes the precise path too, which gives the same value.
    expect(mayRound('{"pad":"1234567890123456789012"}')).toBe(true);
  });

  it('is false for what JSON.parse keeps exactly (the common case stays on JSON.parse)', () => {
    expect(mayRound('{"n":123456789012345,"f":1.5e300,"g":12.5}')).toBe(false);
    expect(mayRound('{"code":"e404","line123":"x"}')).toBe(false);
  });
});

describe('parsePrecise / stringifyPrecise', () => {
  it('keeps every number as written, strings unchanged', () => {
    expect(stringifyPrecise(parsePrecise(BIG))).toBe(BIG);
    expect(stringifyPrecise(parsePrecise('[1.0, 2E+3, -0, 1e400]'))).toBe('[1.0,2E+3,-0,1e400]');
  });

  it('serializes anything without numbers of its own as JSON.stringify', () => {
    const v = { a: 'é\u2028"\\', b: [1, null, true, { c: -0 }], d: undefined, e: 1.5e300 };
    expect(stringifyPrecise(v)).toBe(JSON.stringify(v));
  });

  it('reads duplicate keys and __proto__ as JSON.parse does', () => {
    const text = '{"a":1,"b":12345678901234567890,"a":2,"__proto__":{"x":1}}';
    const v = parsePrecise(text) as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['a', 'b', '__proto__']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(stringifyPrecise(v)).toBe('{"a":2,"b":12345678901234567890,"__proto__":{"x":1}}');
  });

  it('refuses invalid JSON with a SyntaxError', () => {
    expect(() => parsePrecise('{"a":')).toThrow(SyntaxError);
  });
});
