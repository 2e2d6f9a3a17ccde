import type { Logger } from '../diagnostics/logger.js';

/** What every component factory receives: the resolved resource and the runtime's context. */
export interface ComponentContext {
  /** `metadata.name` of the Component resource. */
  name: string;
  /** `spec.type`, e.g. `state.postgresql`. */
  type: string;
  /** `spec.version`, e.g. `v1`. */
  version: string;
  /** `spec.metadata` with `value`/`envRef`/`secretKeyRef` already resolved to strings. */
  metadata: Record<string, string>;
  appId: string;
  namespace: string;
  logger: Logger;
  /** Folder for components that keep local files (the embedded default). */
  dataDir: string;
  /** Injectable clock (ms since epoch) so TTL and schedules can be tested without sleeping. */
  now: () => number;
  /** The environment the runtime was started with (`RuntimeOptions.env`); components default to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** A live component: initialised once, closed once. */
export interface Component {
  init(): Promise<void>;
  close(): Promise<void>;
}

/** Optional capability: a cheap round trip to the backend (used by outbound health). */
export interface Pinger {
  ping(): Promise<void>;
}

export function isPinger(c: unknown): c is Pinger {
  return typeof (c as Partial<Pinger>)?.ping === 'function';
}
