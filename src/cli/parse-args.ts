import { OPTIONS, type OptionSpec, type ParsedOptions } from './options-table.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  options: ParsedOptions;
  /** Everything after `--` (the app command of `daprts run`). */
  command: string[];
  help: boolean;
}

const byName = new Map<string, OptionSpec>();
for (const o of OPTIONS) {
  byName.set(o.flag, o);
  if (o.short) byName.set(o.short, o);
  for (const a of o.aliases ?? []) byName.set(a, o);
}

/**
 * Parses `--flag value`, `--flag=value`, `-a value`, bare boolean flags and repeatable lists; an
 * unset flag falls back to its env var, then its default.
 */
export function parseArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  overrides: Partial<Record<string, string | number | boolean>> = {},
): ParsedArgs {
  const given = new Map<OptionSpec, string[]>();
  const command: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      command.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) {
      // The app command may also follow the flags without `--`.
      command.push(...argv.slice(i));
      break;
    }
    const spec = byName.get(m[1]);
    if (!spec) throw new UsageError(`unknown flag: ${arg} (see --help)`);
    let value = m[2];
    if (value === undefined) {
      if (spec.kind === 'bool' && (argv[i + 1] === undefined || !/^(true|false)$/i.test(argv[i + 1])))
        value = 'true';
      else if (argv[i + 1] === undefined) throw new UsageError(`flag --${spec.flag} needs a value`);
      else value = argv[++i];
    }
    given.set(spec, [...(given.get(spec) ?? []), value]);
  }
  const options: ParsedOptions = {};
  for (const spec of OPTIONS) {
    const raw =
      given.get(spec) ?? (spec.env && env[spec.env] !== undefined ? [env[spec.env] as string] : undefined);
    const fallback = overrides[spec.flag] ?? spec.default;
    options[spec.flag] = raw === undefined ? (spec.kind === 'list' ? [] : fallback) : convert(spec, raw);
  }
  return { options, command, help };
}

function convert(spec: OptionSpec, raw: string[]): string | number | boolean | string[] {
  const last = raw[raw.length - 1];
  switch (spec.kind) {
    case 'list':
      return raw
        .flatMap((r) => r.split(','))
        .map((s) => s.trim())
        .filter(Boolean);
    case 'int': {
      const n = Number(last);
      if (!Number.isInteger(n)) throw new UsageError(`flag --${spec.flag} needs an integer, got '${last}'`);
      return n;
    }
    case 'bool':
      if (!/^(true|false|1|0)$/i.test(last))
        throw new UsageError(`flag --${spec.flag} needs true or false, got '${last}'`);
      return /^(true|1)$/i.test(last);
    default:
      return last;
  }
}
