/**
 * Go's `os.ExpandEnv`, which daprd applies to a `--config` file before parsing it: `${VAR}` and
 * `$VAR` are replaced by the variable's value (unset = empty); `$` not followed by a name stays;
 * `${}` and an unclosed `${` are dropped, as Go drops them.
 */
export function expandEnv(text: string, env: NodeJS.ProcessEnv): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) continue;
    out += text.slice(i, j);
    const { name, width } = shellName(text.slice(j + 1));
    if (name === '' && width > 0) {
      // invalid syntax: eaten
    } else if (name === '') {
      out += '$';
    } else {
      out += env[name] ?? '';
    }
    j += width;
    i = j + 1;
  }
  return i === 0 ? text : out + text.slice(i);
}

const SPECIAL = new Set([
  '*',
  '#',
  '$',
  '@',
  '!',
  '?',
  '-',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
]);
const isAlnum = (c: string) => /^[A-Za-z0-9_]$/.test(c);

function shellName(s: string): { name: string; width: number } {
  if (s[0] === '{') {
    if (s.length > 2 && SPECIAL.has(s[1]) && s[2] === '}') return { name: s[1], width: 3 };
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? { name: '', width: 2 } : { name: s.slice(1, i), width: i + 1 };
    }
    return { name: '', width: 1 };
  }
  if (SPECIAL.has(s[0])) return { name: s[0], width: 1 };
  let i = 0;
  while (i < s.length && isAlnum(s[i])) i++;
  return { name: s.slice(0, i), width: i };
}
