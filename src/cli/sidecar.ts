import { Runtime } from '../runtime/runtime.js';
import { toRuntimeOptions } from './to-runtime-options.js';
import type { ParsedOptions } from './options-table.js';

/** `daprts sidecar`: the runtime alone, until SIGINT/SIGTERM or `POST /v1.0/shutdown`. */
export async function sidecarCommand(options: ParsedOptions): Promise<number> {
  const rt = new Runtime({ ...toRuntimeOptions(options), onShutdown: () => process.exit(0) });
  await rt.start();
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      rt.logger.info({ signal }, 'received signal, shutting down');
      void rt.close().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
