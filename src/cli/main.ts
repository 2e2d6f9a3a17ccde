#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=30 --initial-old-space-size=16
// The shebang sizes V8's heap for a sidecar, whose live heap is small and whose garbage is many
// short-lived messages (bench/pubsub.mjs, Redis, 2026-12-06):
// - 8 MB semi-spaces (default 16): less memory (peak RSS 107 vs 125 MB) and less CPU per message
//   (cache locality) at full load than the default or 4 MB;
// - the old generation grows by 30% past what the last full GC kept (V8 picks 10-300%), starting
//   from 16 MB: without it the heap swelled to 126-164 MB before V8's first full GC brought it back
//   to ~105; with it, peak RSS 102-106 MB at 1,000 msg/s and at full speed, for the same CPU.
import { readFileSync } from 'node:fs';
import { helpText } from './help.js';
import { parseArgs, UsageError } from './parse-args.js';

const CONFIG_ERRORS = new Set([
  'ResourceError',
  'ComponentInitError',
  'ComponentMetadataError',
  'SubscriptionError',
]);

/**
 * Node 20 has no `navigator` (Node 21+ has one, `userAgent` 'Node.js/<major>'). Without it,
 * node-postgres probes for Cloudflare Workers by constructing a `Response`, which loads Node's whole
 * fetch implementation at start-up (~30 ms) for nothing. This CLI process runs no user code; the
 * value is the one newer Node versions give.
 */
function defineNavigator(): void {
  if ('navigator' in globalThis) return;
  const userAgent = `Node.js/${process.versions.node.split('.')[0]}`;
  Object.defineProperty(globalThis, 'navigator', {
    value: { userAgent },
    configurable: true,
    writable: true,
  });
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === 'version') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    process.stdout.write(`daprts ${pkg.version}\n`);
    return 0;
  }
  if (cmd !== 'run' && cmd !== 'sidecar') {
    process.stdout.write(helpText('root') + '\n');
    return cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help' ? 0 : 2;
  }
  // The sidecar replaces daprd in a pod: it listens on every interface unless told otherwise.
  const parsed = parseArgs(rest, process.env, cmd === 'sidecar' ? { 'dapr-listen-addresses': '' } : {});
  if (parsed.help) {
    process.stdout.write(helpText(cmd) + '\n');
    return 0;
  }
  if (cmd === 'sidecar' && parsed.command.length > 0)
    throw new UsageError(`unexpected argument: ${parsed.command[0]}`);
  defineNavigator();
  // Loaded here, not at the top: `--help`, `--version` and usage errors need none of the runtime.
  if (cmd === 'run') return (await import('./run.js')).runCommand(parsed.options, parsed.command);
  return (await import('./sidecar.js')).sidecarCommand(parsed.options);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Configuration problems (flags, resource files, component init) are the user's to fix: the
    // message names the file, resource and field. Anything else is a bug: show the stack.
    const expected = err instanceof UsageError || (err instanceof Error && CONFIG_ERRORS.has(err.name));
    const text = expected ? (err as Error).message : ((err as Error)?.stack ?? String(err));
    process.stderr.write(`daprts: ${text}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
