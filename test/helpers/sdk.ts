import { expect } from 'vitest';
import { CommunicationProtocolEnum, DaprClient, DaprPubSubStatusEnum, DaprServer } from '@dapr/dapr';
import { startRuntime, type Runtime } from '../../src/index.js';
import type { RuntimeOptions } from '../../src/runtime/options.js';
import { parseFile } from '../../src/resources/loader.js';
import { freePort } from './daprts-process.js';
import { pubsubInboundRetryYaml } from './resiliency.js';

/** The official SDK (`@dapr/dapr`) against an embedded runtime, over HTTP or gRPC. */

export type SdkProtocol = 'http' | 'grpc';

/** `DaprClient` options for `rt` over `protocol` (its HTTP or its gRPC port). */
export function sdkClientOptions(rt: Runtime, protocol: SdkProtocol) {
  return {
    daprHost: '127.0.0.1',
    daprPort: String(protocol === 'http' ? rt.httpPort : rt.grpcPort),
    communicationProtocol:
      protocol === 'http' ? CommunicationProtocolEnum.HTTP : CommunicationProtocolEnum.GRPC,
  };
}

/** An embedded runtime and a `DaprClient` on it (with `daprApiToken` when the runtime has `apiToken`). */
export async function startSdkClient(
  protocol: SdkProtocol,
  opts: RuntimeOptions,
): Promise<{ rt: Runtime; client: DaprClient }> {
  const rt = await startRuntime(opts);
  const client = new DaprClient({
    ...sdkClientOptions(rt, protocol),
    ...(opts.apiToken === undefined ? {} : { daprApiToken: opts.apiToken }),
  });
  return { rt, client };
}

/** Polls `pred` (every 25 ms, 5 s at most), then asserts it holds. */
export async function until(pred: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(pred()).toBe(true);
}

/** What the pub/sub app's handlers received, by subscription. */
export type SdkDeliveries = Record<
  'plain' | 'raw' | 'big' | 'small' | 'dlq' | 'retry' | 'drop' | 'bulk',
  unknown[]
>;

export const emptyDeliveries = (): SdkDeliveries => ({
  plain: [],
  raw: [],
  big: [],
  small: [],
  dlq: [],
  retry: [],
  drop: [],
  bulk: [],
});

export interface SdkPubsubOptions {
  protocol: SdkProtocol;
  appId: string;
  /** Filled by the app's handlers. */
  got: SdkDeliveries;
  /** Subscribes `pubsub`/`raw` with rawPayload, route `/raw`, pushing to `onRaw`. */
  subscribeRaw: (server: DaprServer, onRaw: (data: unknown) => Promise<void>) => Promise<void>;
  /** `maxMessagesCount` of the bulk subscription to `bulk`. */
  bulkMaxMessages: number;
}

/**
 * An embedded runtime with `pubsub.in-memory` (inbound retry: constant 10ms, 3 times) and the SDK's
 * `DaprServer` as its app over `protocol`, subscribed to: `plain`; `raw` (rawPayload); `routed`
 * (rule `event.data.size == "big"` to `/big`, else `/small`); `failing` (always RETRY, dead-letter
 * `failing-dlq`, which the app subscribes too); `retry` (RETRY once, then SUCCESS); `drop` (DROP);
 * `bulk` (bulk subscribe, 100 ms). A `DaprClient` over the same protocol publishes. Resolves once
 * the runtime is healthy (app discovered).
 */
export async function startSdkPubsub(
  opts: SdkPubsubOptions,
): Promise<{ rt: Runtime; server: DaprServer; client: DaprClient }> {
  let retries = 0;
  const appPort = await freePort();
  const resiliency = parseFile(
    'r.yaml',
    pubsubInboundRetryYaml('r', 'fast', { duration: '10ms', maxRetries: 3 }),
  );
  const rt = await startRuntime({
    appId: opts.appId,
    appPort,
    ...(opts.protocol === 'grpc' ? { appProtocol: 'grpc' as const } : {}),
    components: [{ name: 'pubsub', type: 'pubsub.in-memory' }],
    resources: resiliency,
  });
  const clientOptions = sdkClientOptions(rt, opts.protocol);
  const server = new DaprServer({
    serverHost: '127.0.0.1',
    serverPort: String(appPort),
    communicationProtocol: clientOptions.communicationProtocol,
    clientOptions,
  });
  try {
    await subscribeAll(server, opts, () => ++retries);
    await server.start();
  } catch (err) {
    await rt.close();
    throw err;
  }
  const client = new DaprClient(clientOptions);
  for (let i = 0; i < 200 && (await fetch(`${rt.httpUrl}/v1.0/healthz`)).status !== 204; i++)
    await new Promise((r) => setTimeout(r, 25));
  return { rt, server, client };
}

/** The subscriptions `startSdkPubsub` describes, in that order. */
async function subscribeAll(server: DaprServer, opts: SdkPubsubOptions, retried: () => number) {
  const { got } = opts;
  await server.pubsub.subscribe('pubsub', 'plain', async (data) => void got.plain.push(data));
  await opts.subscribeRaw(server, async (data) => void got.raw.push(data));
  await server.pubsub.subscribeWithOptions('pubsub', 'routed', {
    route: { rules: [{ match: 'event.data.size == "big"', path: '/big' }], default: '/small' },
  });
  server.pubsub.subscribeToRoute('pubsub', 'routed', '/big', async (data) => void got.big.push(data));
  server.pubsub.subscribeToRoute('pubsub', 'routed', '/small', async (data) => void got.small.push(data));
  await server.pubsub.subscribeWithOptions('pubsub', 'failing', {
    deadLetterTopic: 'failing-dlq',
    // The SDK acks a handler that throws (js-sdk#333): asking for a retry is how a handler fails.
    callback: async () => DaprPubSubStatusEnum.RETRY,
  });
  // The SDK does not subscribe to the dead-letter topic by itself (with daprd either): the app does.
  await server.pubsub.subscribe('pubsub', 'failing-dlq', async (data) => void got.dlq.push(data));
  await server.pubsub.subscribe('pubsub', 'retry', async (data) => {
    got.retry.push(data);
    return retried() === 1 ? DaprPubSubStatusEnum.RETRY : DaprPubSubStatusEnum.SUCCESS;
  });
  await server.pubsub.subscribe('pubsub', 'drop', async (data) => {
    got.drop.push(data);
    return DaprPubSubStatusEnum.DROP;
  });
  await server.pubsub.subscribeBulk('pubsub', 'bulk', async (data) => void got.bulk.push(data), {
    maxMessagesCount: opts.bulkMaxMessages,
    maxAwaitDurationMs: 100,
  });
}
