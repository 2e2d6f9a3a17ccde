import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI, freePort } from '../../helpers/daprts-process.js';

// The app reads the sidecar's metadata and prints its own pid and the `extended` attributes.
const appScript = `
const res = await fetch('http://127.0.0.1:' + process.env.DAPR_HTTP_PORT + '/v1.0/metadata');
const md = await res.json();
console.log('RES' + 'ULT ' + JSON.stringify({ pid: process.pid, extended: md.extended }));
`;

// As \`dapr run\` does, \`daprts run\` records cliPID, appPID and appCommand under \`extended\`.
it('daprts run puts cliPID, appPID and appCommand into the metadata extended attributes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daprts-run-'));
  try {
    const args = [
      CLI,
      'run',
      '--app-id',
      'runmeta',
      '--dapr-http-port',
      String(await freePort()),
      '--dapr-grpc-port',
      String(await freePort()),
      '--metrics-port',
      String(await freePort()),
      '--data-dir',
      join(dir, 'data'),
      '--',
      process.execPath,
      '--input-type=module',
      '-e',
      appScript,
    ];
    const cli = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (d) => (out += d));
    cli.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => cli.once('exit', r));
    expect(code, out).toBe(0);

    // The marker is split in the script, so the logged app command never matches it.
    const line = out.split('\n').find((l) => l.startsWith('== APP == RESULT '));
    expect(line, out).toBeDefined();
    const { pid, extended } = JSON.parse(line!.slice(line!.indexOf('RESULT ') + 7)) as {
      pid: number;
      extended: Record<string, string>;
    };
    expect(extended.cliPID).toBe(String(cli.pid));
    expect(extended.appPID).toBe(String(pid));
    expect(extended.appCommand).toBe([process.execPath, '--input-type=module', '-e', appScript].join(' '));
    expect(extended.daprRuntimeVersion).toEqual(expect.any(String));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
