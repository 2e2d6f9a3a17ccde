/**
 * The first JSON value of a body as Go's `json.Decoder.Decode` reads it (encoding/json's scanner):
 * `end`, the byte offset just past that value (bytes after it are never read), or `error`, the
 * text of Go's error: a SyntaxError (`invalid character ']' looking for beginning of value`),
 * `unexpected EOF` when the value is cut short, `EOF` when there is none.
 */
export function scanFirstValue(body: Uint8Array): { end: number } | { error: string } {
  // Open containers: true = object, false = array.
  const stack: boolean[] = [];
  let i = 0;
  const at = () => (i < body.length ? body[i] : undefined);
  const bad = (c: number, context: string) => ({ error: `invalid character ${quoteChar(c)} ${context}` });
  const skipSpace = () => {
    while (i < body.length && isSpace(body[i])) i++;
  };
  // Each step returns an error, or undefined once the value at `i` is consumed.
  const literal = (word: string): { error: string } | undefined => {
    for (let k = 1; k < word.length; k++) {
      const c = body[i + k];
      if (c === undefined) return { error: 'unexpected EOF' };
      if (c !== word.charCodeAt(k)) return bad(c, `in literal ${word} (expecting '${word[k]}')`);
    }
    i += word.length;
    return undefined;
  };
  const string = (): { error: string } | undefined => {
    for (i++; i < body.length; i++) {
      const c = body[i];
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return bad(c, 'in string literal');
      if (c !== 0x5c) continue;
      const e = body[++i];
      if (e === undefined) break;
      if (e === 0x75) {
        for (let k = 0; k < 4; k++) {
          const h = body[++i];
          if (h === undefined) return { error: 'unexpected EOF' };
          if (!isHex(h)) return bad(h, 'in \\u hexadecimal character escape');
        }
      } else if (!'bfnrt\\/"'.includes(String.fromCharCode(e))) return bad(e, 'in string escape code');
    }
    return { error: 'unexpected EOF' };
  };
  const digits = () => {
    while (isDigit(at())) i++;
  };
  const number = (): { error: string } | undefined => {
    if (body[i] === 0x2d) {
      i++;
      const c = at();
      if (c === undefined) return { error: 'unexpected EOF' };
      if (!isDigit(c)) return bad(c, 'in numeric literal');
    }
    if (body[i++] !== 0x30) digits();
    if (at() === 0x2e) {
      i++;
      const c = at();
      if (c === undefined) return { error: 'unexpected EOF' };
      if (!isDigit(c)) return bad(c, 'after decimal point in numeric literal');
      digits();
    }
    if (at() === 0x65 || at() === 0x45) {
      i++;
      if (at() === 0x2b || at() === 0x2d) i++;
      const c = at();
      if (c === undefined) return { error: 'unexpected EOF' };
      if (!isDigit(c)) return bad(c, 'in exponent of numeric literal');
      digits();
    }
    return undefined;
  };
  const value = (): { error: string } | undefined => {
    const c = at()!;
    if (c === 0x22) return string();
    if (c === 0x2d || isDigit(c)) return number();
    if (c === 0x74) return literal('true');
    if (c === 0x66) return literal('false');
    if (c === 0x6e) return literal('null');
    return bad(c, 'looking for beginning of value');
  };

  skipSpace();
  if (at() === undefined) return { error: 'EOF' };
  for (;;) {
    // A value starts at `i`.
    skipSpace();
    let c = at();
    if (c === undefined) return { error: 'unexpected EOF' };
    if (c === 0x7b || c === 0x5b) {
      const object = c === 0x7b;
      stack.push(object);
      i++;
      skipSpace();
      c = at();
      if (c === undefined) return { error: 'unexpected EOF' };
      if (c !== (object ? 0x7d : 0x5d)) {
        const err = object ? key(c) : undefined;
        if (err) return err;
        continue;
      }
      stack.pop();
      i++;
    } else {
      const err = value();
      if (err) return err;
    }
    // After a complete value: close containers, or move on to the next element or key.
    for (;;) {
      if (stack.length === 0) return { end: i };
      skipSpace();
      c = at();
      if (c === undefined) return { error: 'unexpected EOF' };
      const object = stack[stack.length - 1];
      if (c === (object ? 0x7d : 0x5d)) {
        stack.pop();
        i++;
        continue;
      }
      if (c !== 0x2c) return bad(c, object ? 'after object key:value pair' : 'after array element');
      i++;
      if (object) {
        skipSpace();
        c = at();
        if (c === undefined) return { error: 'unexpected EOF' };
        const err = key(c);
        if (err) return err;
      }
      break;
    }
  }

  /** An object key starting with `c`, and the `:` after it. */
  function key(c: number): { error: string } | undefined {
    if (c !== 0x22) return bad(c, 'looking for beginning of object key string');
    const err = string();
    if (err) return err;
    skipSpace();
    const colon = at();
    if (colon === undefined) return { error: 'unexpected EOF' };
    if (colon !== 0x3a) return bad(colon, 'after object key');
    i++;
    return undefined;
  }
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number | undefined): c is number {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Go's quoteChar: the byte as a Go rune in single quotes, escaped as strconv.Quote escapes it. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = {
    7: 'a',
    8: 'b',
    9: 't',
    10: 'n',
    11: 'v',
    12: 'f',
    13: 'r',
    0x5c: '\\',
  };
  if (named[c] !== undefined) return `'\\${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // A byte past ASCII is the rune U+0080..U+00FF, which Go prints unless it is not graphic.
  if (c >= 0x80 && (c < 0xa1 || c === 0xad)) return `'\\u00${c.toString(16)}'`;
  return `'${String.fromCharCode(c)}'`;
}
