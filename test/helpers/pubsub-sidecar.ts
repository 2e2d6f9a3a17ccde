import { DaprtsProcess, type DaprtsProcessOptions } from './daprts-process.js';
import { componentYaml } from './resources.js';
import { SubscriberApp, waitAppReady } from './subscriber-app.js';

/** A `pubsub.in-memory` Component (default name `pubsub`). */
export const inMemoryPubsubYaml = (name = 'pubsub'): string =>
  componentYaml({ name, type: 'pubsub.in-memory' });

export interface PublishOptions {
  /** The query string without `?`; when given (even `''`) the URL ends in `?<query>`. */
  query?: string;
  /** Default `{"n":1}`. */
  body?: string;
  /** Default `{ 'content-type': 'application/json' }`; when given, these are all the headers sent. */
  headers?: Record<string, string>;
  /** Default `pubsub`. */
  pubsub?: string;
  /** Default `/v1.0`. */
  prefix?: string;
}

/** `curl -X POST {sidecar}/v1.0/publish/{pubsub}/{topic}[?query] -H 'Content-Type: application/json' -d '{"n":1}'`. */
export function publishTo(p: DaprtsProcess, topic: string, opts: PublishOptions = {}): Promise<Response> {
  const q = opts.query === undefined ? '' : `?${opts.query}`;
  return p.fetch(`${opts.prefix ?? '/v1.0'}/publish/${opts.pubsub ?? 'pubsub'}/${topic}${q}`, {
    method: 'POST',
    headers: opts.headers ?? { 'content-type': 'application/json' },
    body: opts.body ?? '{"n":1}',
  });
}

export interface BulkPublishOptions {
  pubsub?: string;
  /** Default `{ 'content-type': 'application/json' }`; when given, these are all the headers sent. */
  headers?: Record<string, string>;
  /** Default `/v1.0-alpha1`. */
  prefix?: string;
}

/** `POST /v1.0-alpha1/publish/bulk/{pubsub}/{topic}` with `entries` as the JSON body. */
export function bulkPublishTo(
  p: DaprtsProcess,
  topic: string,
  entries: unknown[],
  opts: BulkPublishOptions = {},
): Promise<Response> {
  return p.fetch(`${opts.prefix ?? '/v1.0-alpha1'}/publish/bulk/${opts.pubsub ?? 'pubsub'}/${topic}`, {
    method: 'POST',
    headers: opts.headers ?? { 'content-type': 'application/json' },
    body: JSON.stringify(entries),
  });
}

export interface PubsubSidecarOptions extends Omit<DaprtsProcessOptions, 'noWait'> {
  /** What the app answers on `GET /dapr/subscribe`. */
  subscriptions?: unknown[];
  /** The status that answer comes with (200). */
  subscribeStatus?: number;
  /** The `pubsub.yaml` document; default `inMemoryPubsubYaml()`. */
  pubsub?: string;
}

/** A sidecar with a pub/sub component, a `SubscriberApp` on `--app-port`, both ready. */
export interface PubsubSidecar extends AsyncDisposable {
  app: SubscriberApp;
  sidecar: DaprtsProcess;
  /** `publishTo(sidecar, topic, opts)`. */
  publish(topic: string, opts?: PublishOptions): Promise<Response>;
  /** `bulkPublishTo(sidecar, topic, entries, opts)`. */
  bulkPublish(topic: string, entries: unknown[], opts?: BulkPublishOptions): Promise<Response>;
  /** Stops the sidecar, then the app. */
  close(): Promise<void>;
}

/**
 * Starts a `SubscriberApp` answering `subscriptions`, then a sidecar with `pubsub.yaml` (plus any
 * other `resources`) and `--app-port` (before any other `args`), and waits until the app is
 * discovered (`waitAppReady`).
 */
export async function startPubsubSidecar(opts: PubsubSidecarOptions = {}): Promise<PubsubSidecar> {
  const { subscriptions = [], subscribeStatus, pubsub = inMemoryPubsubYaml(), ...rest } = opts;
  const app = await SubscriberApp.start(subscriptions, subscribeStatus);
  let sidecar: DaprtsProcess | undefined;
  try {
    sidecar = await DaprtsProcess.start({
      ...rest,
      resources: { 'pubsub.yaml': pubsub, ...rest.resources },
      args: ['--app-port', String(app.port), ...(rest.args ?? [])],
    });
    await waitAppReady(sidecar);
  } catch (err) {
    await sidecar?.[Symbol.asyncDispose]();
    await app[Symbol.asyncDispose]();
    throw err;
  }
  const p = sidecar;
  const close = async () => {
    await p[Symbol.asyncDispose]();
    await app[Symbol.asyncDispose]();
  };
  return {
    app,
    sidecar: p,
    publish: (topic, o) => publishTo(p, topic, o),
    bulkPublish: (topic, entries, o) => bulkPublishTo(p, topic, entries, o),
    close,
    [Symbol.asyncDispose]: close,
  };
}
