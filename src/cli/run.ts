import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { constants } from 'node:os';
import { Runtime } from '../runtime/runtime.js';
import { toRuntimeOptions } from './to-runtime-options.js';
import type { ParsedOptions } from './options-table.js';

/**
 * `daprts run`: starts the runtime, waits until it serves the API, then starts the app with
 * DAPR_HTTP_PORT, DAPR_GRPC_PORT and APP_ID set; prefixes the app's output, forwards signals and
 * exits with the app's exit code. Without an app command it runs the runtime alone.
 */
export async function runCommand(options: ParsedOptions, command: string[]): Promise<number> {
  const opts = toRuntimeOptions(options);
  // The app is started after the runtime, but a shutdown request must be able to stop it.
  const app: { child?: ReturnType<typeof spawn> } = {};
  const rt = new Runtime({ ...opts, onShutdown: () => app.child?.kill('SIGTERM') });
  await rt.start();
  // As `dapr run`: the CLI's and the app's process ids and the app command show in `extended`.
  rt.setMetadataAttribute('cliPID', String(process.pid));
  if (command.length === 0) {
    return new Promise((resolve) => {
      const stop = () => void rt.close().then(() => resolve(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APP_ID: opts.appId,
    DAPR_HTTP_PORT: String(rt.httpPort),
    DAPR_GRPC_PORT: String(rt.grpcPort),
    ...(opts.appPort ? { APP_PORT: String(opts.appPort) } : {}),
  };
  rt.logger.info({ command: command.join(' ') }, 'starting the app');
  const child = spawn(command[0], command.slice(1), { env, stdio: ['inherit', 'pipe', 'pipe'] });
  app.child = child;
  rt.setMetadataAttribute('appCommand', command.join(' '));
  if (child.pid !== undefined) rt.setMetadataAttribute('appPID', String(child.pid));
  prefixLines(child.stdout, process.stdout);
  prefixLines(child.stderr, process.stderr);
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (err) => {
      rt.logger.error({ err }, `cannot start the app: ${err.message}`);
      resolve(127);
    });
    child.once('exit', (c, signal) => resolve(c ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  rt.logger.info({ code }, 'the app exited; stopping the runtime');
  await rt.close();
  return code;
}

function prefixLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream): void {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`== APP == ${line}\n`));
}
