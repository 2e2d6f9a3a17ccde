import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTruthy } from '../../components/common/metadata.js';
import type { Subscription } from '../../components/pubsub/interface.js';
import type { SetRequest, TransactionalOperation } from '../../components/state/interface.js';
import { currentSpan } from '../../diagnostics/tracing/context.js';
import { unsampledTraceparent } from '../../diagnostics/tracing/w3c.js';
import { errorMessage } from '../../errors/dapr-error.js';
import { buildEnvelope, type CloudEvent } from '../../messaging/cloudevent.js';
import type { LiveStateStore } from '../../runtime/compstore.js';
import { componentOutbound, type UniversalContext } from './context.js';

/**
 * The transactional outbox ("How-To: Enable the transactional outbox pattern"), as daprd's
 * pkg/runtime/pubsub/outbox.go: a state transaction on a store with `outboxPublishPubsub` and
 * `outboxPublishTopic` publishes one CloudEvent per upsert to an internal topic and writes a marker
 * row (`outbox-<uuid>`) in the same transaction. The internal subscriber republishes an event to the
 * user's topic only once its marker is in the store, i.e. once the transaction committed, then
 * deletes the marker. Wire formats (topic name, marker, event) are daprd's, so both runtimes can
 * share the broker and the store.
 */
export interface OutboxConfig {
  publishPubsub: string;
  publishTopic: string;
  /** The pub/sub of the internal topic (`outboxPubsub`, else `publishPubsub`). */
  outboxPubsub: string;
  discardWhenMissingState: boolean;
  /** Dapr's namespace ('' in self-hosted mode): part of the internal topic's name. */
  namespace: string;
}

/** The outbox of a state store's metadata (exact field names, as daprd reads them), if enabled. */
export function outboxConfig(metadata: Record<string, string>, namespace: string): OutboxConfig | undefined {
  const publishPubsub = metadata.outboxPublishPubsub ?? '';
  const publishTopic = metadata.outboxPublishTopic ?? '';
  if (publishPubsub === '' || publishTopic === '') return undefined;
  return {
    publishPubsub,
    publishTopic,
    outboxPubsub: metadata.outboxPubsub || publishPubsub,
    discardWhenMissingState: isTruthy(metadata.outboxDiscardWhenMissingState),
    namespace,
  };
}

/** The internal topic: namespace, app id and user topic run together, then `outbox`. */
export function outboxTopic(c: OutboxConfig, appId: string): string {
  return `${c.namespace}${appId}${c.publishTopic}outbox`;
}

/**
 * Publishes the internal event of each upsert of a transaction and returns the operations to run:
 * projections (`outbox.projection: "true"`, the payload to send instead of the saved value, matched
 * by key, first one wins) are taken out, and a marker upsert is added per event.
 */
export async function publishOutbox(
  ctx: UniversalContext,
  c: OutboxConfig,
  ops: TransactionalOperation[],
): Promise<TransactionalOperation[]> {
  const pubsub = ctx.compStore.getPubSub(c.outboxPubsub);
  if (!pubsub) throw new Error(`pubsub ${c.outboxPubsub} is not found`);
  const projections = new Map<string, SetRequest>();
  const kept = ops.filter((op) => {
    if (op.operation !== 'upsert' || !isTruthy(op.request.metadata['outbox.projection'])) return true;
    if (!projections.has(op.request.key)) projections.set(op.request.key, op.request);
    return false;
  });
  const span = currentSpan();
  const markers: TransactionalOperation[] = [];
  for (const op of kept) {
    if (op.operation !== 'upsert') continue;
    const marker = `outbox-${randomUUID()}`;
    const source = projections.get(op.request.key) ?? op.request;
    const contentType = source.contentType ?? source.metadata.contentType;
    const ce: CloudEvent = buildEnvelope({
      appId: ctx.appId,
      pubsubName: c.outboxPubsub,
      topic: '',
      body: payload(source, contentType),
      contentType,
      metadata: {},
      traceparent: '',
      tracestate: span?.tracestate ?? '',
      nativeTtl: true,
    });
    ce.id = marker;
    // daprd's API calls always have a span (unsampled when tracing is off): the event carries its id.
    ce.traceid = span?.traceparent ?? unsampledTraceparent();
    // The operation's metadata becomes event attributes (daprd keeps its own `data` and `id`).
    for (const [k, v] of Object.entries(op.request.metadata)) if (k !== 'data' && k !== 'id') ce[k] = v;
    await componentOutbound(
      ctx,
      pubsub.name,
      'pubsub',
    )(
      () =>
        pubsub.pubsub.publish({
          topic: outboxTopic(c, ctx.appId),
          data: Buffer.from(JSON.stringify(ce)),
          metadata: {},
        }),
      { operation: 'publish' },
    );
    markers.push({
      operation: 'upsert',
      request: { key: marker, value: Buffer.from('"0"'), metadata: {}, options: {} },
    });
  }
  return [...kept, ...markers];
}

/**
 * The payload daprd publishes: bytes as they are (gRPC values, encrypted values), the JSON for
 * `application/json`, else the value as text (a JSON string without its quotes).
 */
function payload(r: SetRequest, contentType: string | undefined): Buffer {
  if (r.isBinary || contentType?.toLowerCase() === 'application/json') return r.value;
  try {
    const v = JSON.parse(r.value.toString('utf8')) as unknown;
    return typeof v === 'string' ? Buffer.from(v) : r.value;
  } catch {
    return r.value;
  }
}

export interface OutboxSubscriberOptions {
  /** Wait before the first look for the marker (daprd: 1 s). */
  scanDelayMs?: number;
  /** Aborted at shutdown: waiting events give up (the broker keeps them) instead of holding it up. */
  signal?: AbortSignal;
}

/**
 * Subscribes to a store's internal topic: each event waits for its marker (1 s, then backoff up to
 * 10 s), goes to `outboxPublishTopic` on `outboxPublishPubsub` with its topic and pub/sub rewritten,
 * and the marker is deleted. Without a marker the event is redelivered later, or dropped with
 * `outboxDiscardWhenMissingState`. Undefined (with a warning) when the outbox pub/sub is not loaded.
 */
export async function subscribeOutbox(
  ctx: UniversalContext,
  s: LiveStateStore & { outbox: OutboxConfig },
  opts: OutboxSubscriberOptions = {},
): Promise<Subscription | undefined> {
  const c = s.outbox;
  const log = ctx.logger.child({ scope: 'dapr.runtime.outbox' });
  const internal = ctx.compStore.getPubSub(c.outboxPubsub);
  if (!internal) {
    log.warn(`could not subscribe to internal outbox topic: outbox pubsub ${c.outboxPubsub} not loaded`);
    return undefined;
  }
  return internal.pubsub.subscribe({ topic: outboxTopic(c, ctx.appId), metadata: {} }, async (msg) => {
    const ce = JSON.parse(msg.data.toString('utf8')) as CloudEvent;
    const key = typeof ce.id === 'string' ? ce.id : '';
    await sleep(opts.scanDelayMs ?? 1000, undefined, { signal: opts.signal });
    const found = await withBackoff(opts.signal, async () => {
      const r = await s.store.get({ key, metadata: {} });
      if (!r || r.data.length === 0)
        throw new Error(
          `cannot publish outbox message to topic ${c.publishTopic} with pubsub ${c.publishPubsub}: outbox state not found`,
        );
    });
    if (found !== true) {
      const discard = c.discardWhenMissingState;
      log.error(
        `failed to publish outbox topic to pubsub ${c.publishPubsub}: ${errorMessage(found)}, ${discard ? 'discarding message' : 'rejecting for later processing'}`,
      );
      if (discard) return;
      throw found;
    }
    const target = ctx.compStore.getPubSub(c.publishPubsub);
    if (!target) throw new Error(`pubsub ${c.publishPubsub} is not found`);
    ce.topic = c.publishTopic;
    ce.pubsubname = c.publishPubsub;
    await componentOutbound(
      ctx,
      target.name,
      'pubsub',
    )(
      () =>
        target.pubsub.publish({
          topic: c.publishTopic,
          data: Buffer.from(JSON.stringify(ce)),
          contentType: typeof ce.datacontenttype === 'string' ? ce.datacontenttype : undefined,
          metadata: {},
        }),
      { operation: 'publish' },
    );
    const deleted = await withBackoff(opts.signal, () => s.store.delete({ key, metadata: {}, options: {} }));
    if (deleted !== true) throw deleted;
  });
}

/** daprd's backoff here: 500 ms ×3 up to 3 s between tries, for 10 s. True, or the last error. */
async function withBackoff(
  signal: AbortSignal | undefined,
  fn: () => Promise<void>,
): Promise<true | unknown> {
  const started = Date.now();
  for (let delay = 500; ; delay = Math.min(delay * 3, 3000)) {
    try {
      await fn();
      return true;
    } catch (err) {
      if (Date.now() - started + delay > 10_000) return err;
    }
    await sleep(delay, undefined, { signal });
  }
}
