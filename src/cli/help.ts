import { OPTIONS } from './options-table.js';

export function helpText(command: 'run' | 'sidecar' | 'root'): string {
  if (command === 'root') {
    return [
      'daprts: a Dapr-compatible application runtime',
      '',
      'Usage:',
      '  daprts run [flags] -- <app command>   start the runtime, then your app with DAPR_HTTP_PORT/DAPR_GRPC_PORT/APP_ID set',
      '  daprts sidecar [flags]                the runtime alone, taking daprd flags (drop-in for the daprd container)',
      '  daprts --version',
      '',
      'Run `daprts run --help` or `daprts sidecar --help` for the flags.',
    ].join('\n');
  }
  const usage =
    command === 'run'
      ? 'Usage: daprts run [flags] [-- <app command>]'
      : 'Usage: daprts sidecar [flags]   (daprd flag names; listens on every interface unless --dapr-listen-addresses says otherwise)';
  const rows = OPTIONS.map((o) => {
    const names = `--${o.flag}${o.short ? `, -${o.short}` : ''}${o.aliases ? `, ${o.aliases.map((a) => `--${a}`).join(', ')}` : ''}`;
    const def = o.default === undefined ? '' : ` (default ${JSON.stringify(o.default)})`;
    const env = o.env ? ` [env ${o.env}]` : '';
    const compat = o.compatOnly ? ` — no effect: ${o.compatOnly}` : '';
    return `  ${names.padEnd(46)} ${o.help}${def}${env}${compat}`;
  });
  return [usage, '', 'Flags:', ...rows, `  ${'--help, -h'.padEnd(46)} Show this help`].join('\n');
}
