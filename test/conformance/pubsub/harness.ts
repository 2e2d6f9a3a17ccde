import { startRuntime, type Runtime } from '../../../src/index.js';
import { parseFile } from '../../../src/resources/loader.js';
import { runId, type PubSubUnderTest } from './components.js';
import { TestApp } from './test-app.js';

let seq = 0;
/** A topic name unique to this run and case. */
export const topic = (name: string) => `conf-${runId}-${name}-${++seq}`;

export interface Subscriber {
  app: TestApp;
  rt: Runtime;
  close(): Promise<void>;
}

export interface SubscriberOptions {
  appId: string;
  subscriptions: Record<string, unknown>[];
  /** Inbound retry policy for the component (constant 10 ms). */
  maxRetries?: number;
}

/** A runtime with the component under test and a test app subscribed through `/dapr/subscribe`. */
export async function startSubscriber(c: PubSubUnderTest, opts: SubscriberOptions): Promise<Subscriber> {
  const app = new TestApp(opts.subscriptions);
  const appPort = await app.start();
  const resources =
    opts.maxRetries === undefined
      ? []
      : parseFile(
          'resiliency.yaml',
          `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata: {name: conformance}
spec:
  policies: {retries: {inboundRetry: {policy: constant, duration: 10ms, maxRetries: ${opts.maxRetries}}}}
  targets: {components: {pubsub: {inbound: {retry: inboundRetry}}}}
`,
        );
  const rt = await startRuntime({
    appId: opts.appId,
    appPort,
    components: [{ name: 'pubsub', type: c.type, metadata: await c.metadata() }],
    resources,
  });
  await waitReady(rt);
  await new Promise((r) => setTimeout(r, c.settleMs));
  return {
    app,
    rt,
    close: async () => {
      await rt.close();
      await app.close();
    },
  };
}

/** A runtime with the component and no app: a publisher. */
export async function startPublisher(c: PubSubUnderTest, appId: string): Promise<Runtime> {
  return startRuntime({
    appId,
    components: [{ name: 'pubsub', type: c.type, metadata: await c.metadata() }],
  });
}

async function waitReady(rt: Runtime): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await fetch(`${rt.httpUrl}/v1.0/healthz`)).status === 204) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('runtime did not become ready');
}

export async function publish(
  rt: Runtime,
  t: string,
  body: unknown,
  contentType = 'application/json',
  metadata: Record<string, string> = {},
): Promise<number> {
  const query = new URLSearchParams(
    Object.entries(metadata).map(([k, v]): [string, string] => [`metadata.${k}`, v]),
  ).toString();
  const res = await fetch(`${rt.httpUrl}/v1.0/publish/pubsub/${t}${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return res.status;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
