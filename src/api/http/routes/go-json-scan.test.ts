import { describe, expect, it } from 'vitest';
import { scanFirstValue } from './go-json-scan.js';

const scan = (text: string) => scanFirstValue(Buffer.from(text, 'latin1'));

// The texts encoding/json's Decoder gives for each body (Go 1.2x: `json.NewDecoder(r).Decode(&v)`).
describe("the first JSON value as Go's json.Decoder scans it", () => {
  it.each([
    // The bulk publish example of docs.dapr.io's pub/sub API reference (a trailing comma).
    [
      '[\n  {"entryId": "a", "event": "x", "contentType": "text/plain"},\n]',
      "invalid character ']' looking for beginning of value",
    ],
    ['xx', "invalid character 'x' looking for beginning of value"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['[01]', "invalid character '1' after array element"],
    ['{,}', "invalid character ',' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[tru]', "invalid character ']' in literal true (expecting 'e')"],
    ['[nul]', "invalid character ']' in literal null (expecting 'l')"],
    ['["a\\x"]', "invalid character 'x' in string escape code"],
    ['["\\u12g4"]', "invalid character 'g' in \\u hexadecimal character escape"],
    ['["a\nb"]', "invalid character '\\n' in string literal"],
    ['[-a]', "invalid character 'a' in numeric literal"],
    ['[1.e1]', "invalid character 'e' after decimal point in numeric literal"],
    ['[1e+]', "invalid character ']' in exponent of numeric literal"],
    ['\u00ef\u00bb\u00bf[]', "invalid character 'ï' looking for beginning of value"],
    ['[\u0080]', "invalid character '\\u0080' looking for beginning of value"],
    ['[{"a":[1,', 'unexpected EOF'],
    ['["abc', 'unexpected EOF'],
    ['[-', 'unexpected EOF'],
    [' \n ', 'EOF'],
  ])('%j: %s', (text, error) => {
    expect(scan(text)).toEqual({ error });
  });

  it('ends after the first value: what follows is never read', () => {
    expect(scan(' [{"a":[1,2.5e3,true,null,"\\u00e9\\n"]}] trailing ]')).toEqual({ end: 39 });
    expect(scan('[] []')).toEqual({ end: 2 });
    expect(scan('{}x')).toEqual({ end: 2 });
    expect(scan('"s"')).toEqual({ end: 3 });
    expect(scan('-0.5E-2')).toEqual({ end: 7 });
  });
});
