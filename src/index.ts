import { Runtime } from './runtime/runtime.js';
import type { RuntimeOptions } from './runtime/options.js';

export { Runtime } from './runtime/runtime.js';
export type { RuntimeOptions } from './runtime/options.js';
export type { InlineComponent } from './runtime/inline-components.js';
export { StateClient, type SaveItem, type StateEntry } from './runtime/state-client.js';
export { DaprError } from './errors/dapr-error.js';

/**
 * Starts a daprts runtime inside this process: the same runtime as `daprts sidecar`, its HTTP and gRPC
 * APIs on the chosen ports (default: free ones) so any SDK can connect, and the building blocks as direct
 * calls on the returned object. `await rt.close()` releases everything.
 *
 * @example
 * const rt = await startRuntime({ appId: 'orders', components: [{ name: 'statestore', type: 'state.in-memory' }] });
 * await rt.state.save('statestore', [{ key: 'k', value: { n: 1 } }]);
 */
export function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  return new Runtime({ httpPort: 0, grpcPort: 0, logLevel: 'warn', ...opts }).start();
}
