import { hostname as osHostname } from 'node:os';
import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LoggerOptions {
  appId: string;
  level?: LogLevel | 'silent';
  /** Dapr's JSON fields (`time level type scope msg instance ver app_id`); otherwise readable text lines. */
  json?: boolean;
  destination?: NodeJS.WritableStream;
}

const RUNTIME_VERSION = '1.18.0-daprts';

/** The scope of lines logged without one (daprd's runtime scope). */
export const DEFAULT_SCOPE = 'dapr.runtime';

/** pino's level names → daprd's (logrus) level names. */
const DAPR_LEVEL: Record<string, string> = { warn: 'warning' };

/**
 * Root logger. JSON output has exactly daprd's fields — `time level type scope msg instance ver
 * app_id`, plus the fields of the call — so that log pipelines built for Dapr keep working; scopes
 * are attached with `logger.child({ scope: 'dapr.runtime.state' })`, lines without one get
 * `dapr.runtime`.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const level = (opts.level ?? 'info') as LevelWithSilent;
  const dest = opts.destination ?? process.stdout;
  if (opts.json) {
    const base = { type: 'log', app_id: opts.appId, ver: RUNTIME_VERSION, instance: hostname() };
    return withSafeChildBindings(
      pino(
        {
          level,
          base,
          messageKey: 'msg',
          timestamp: () => `,"time":"${new Date().toISOString()}"`,
          formatters: {
            level: (label) => ({ level: DAPR_LEVEL[label] ?? label }),
            log: keepDaprFields,
          },
          mixin: defaultScope,
        },
        dest as unknown as pino.DestinationStream,
      ),
    );
  }
  return pino(
    { level, base: undefined, timestamp: false, formatters: { level: (label) => ({ level: label }) } },
    textStream(dest, opts.appId),
  );
}

/** daprd's own fields, which a call's fields must not shadow (a duplicate key would). */
const RESERVED = ['type', 'app_id', 'ver', 'instance', 'time', 'level'];

/** Renames a call's field that collides with one of daprd's (`type` → `kind`, else `field_<name>`). */
function keepDaprFields(obj: Record<string, unknown>): Record<string, unknown> {
  let out = obj;
  for (const k of RESERVED) {
    if (!(k in obj)) continue;
    if (out === obj) out = { ...obj };
    const v = out[k];
    delete out[k];
    out[k === 'type' && !('kind' in out) ? 'kind' : `field_${k}`] = v;
  }
  return out;
}

/**
 * Child loggers' bindings get the same renaming as a call's fields (pino does not format child
 * bindings); children inherit the wrapped `child` through their prototype.
 */
function withSafeChildBindings(root: PinoLogger): PinoLogger {
  const child = root.child;
  root.child = function (this: PinoLogger, bindings, options) {
    return child.call(this, keepDaprFields(bindings as Record<string, unknown>), options);
  } as typeof root.child;
  return root;
}

/** Whether a logger (root or child) already carries a `scope` binding, cached per instance. */
const scoped = new WeakMap<object, boolean>();

function defaultScope(merge: object, _level: number, logger: PinoLogger): object {
  let has = scoped.get(logger);
  if (has === undefined) scoped.set(logger, (has = 'scope' in logger.bindings()));
  return has || 'scope' in merge ? {} : { scope: DEFAULT_SCOPE };
}

/** Readable `time level scope: msg key=value` lines without a worker thread (pino-pretty is a dev dependency only). */
function textStream(dest: NodeJS.WritableStream, appId: string): pino.DestinationStream {
  return {
    write(line: string) {
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        const { level, msg, scope, err, ...rest } = rec;
        const extras = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        const errText =
          err && typeof err === 'object' ? ` error="${(err as { message?: string }).message ?? ''}"` : '';
        dest.write(
          `${new Date().toISOString()} ${String(level).toUpperCase().padEnd(5)} [${appId}] ${String(scope ?? DEFAULT_SCOPE)}: ${String(msg ?? '')}${extras ? ' ' + extras : ''}${errText}\n`,
        );
      } catch {
        dest.write(line);
      }
    },
  };
}

/** daprd's `instance`: the host name (the pod name on Kubernetes). */
function hostname(): string {
  return process.env.HOSTNAME || osHostname();
}

/** A logger that drops everything (tests, library mode without logging). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
