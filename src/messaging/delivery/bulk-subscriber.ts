import { randomUUID } from 'node:crypto';
import type { MessageHandler, PubSubMessage } from '../../components/pubsub/interface.js';
import { CLOUDEVENT_CONTENT_TYPE, isExpired, type CloudEvent } from '../cloudevent.js';
import { selectRoute } from '../subscriptions/rules.js';
import type { BulkSubscribeSpec, SubscriptionSpec } from '../subscriptions/types.js';
import { RetriableDeliveryError } from './app-response.js';
import { isRawPayload, readEvent } from './event.js';
import { publishToDeadLetter, type SubscriberDeps } from './subscriber.js';

interface Pending {
  entryId: string;
  msg: PubSubMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** A message on its way to one route: the event and, when unchanged, its own JSON bytes. */
interface Entry {
  p: Pending;
  event: CloudEvent;
  json?: Buffer;
}

/**
 * Bulk subscribe done by the runtime for every broker: messages are collected until
 * `maxMessagesCount` or `maxAwaitDurationMs`, sent in one POST per route, and settled one by one from
 * the app's `statuses` (missing → RETRY). RETRY entries are resent under the inbound policy; the
 * rest of the batch is acked as soon as it is settled.
 *
 * `window` is how many handler calls the component runs at once: a batch that holds that many
 * cannot grow before it is settled, so it goes at once instead of waiting out `maxAwaitDurationMs`
 * (daprd waits, which caps a one-at-a-time broker at one message per wait).
 */
export function createBulkHandler(
  spec: SubscriptionSpec,
  bulk: BulkSubscribeSpec,
  deps: SubscriberDeps,
  window = Infinity,
): MessageHandler {
  const fullAt = Math.max(1, Math.min(bulk.maxMessagesCount, window));
  let batch: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const items = batch;
    batch = [];
    if (items.length > 0) void processBatch(spec, items, deps);
  };
  return (msg) =>
    new Promise<void>((resolve, reject) => {
      batch.push({ entryId: randomUUID(), msg, resolve, reject });
      if (batch.length >= fullAt) flush();
      else timer ??= setTimeout(flush, bulk.maxAwaitDurationMs);
    });
}

async function processBatch(spec: SubscriptionSpec, items: Pending[], deps: SubscriberDeps): Promise<void> {
  const byPath = new Map<string, Entry[]>();
  const raw = isRawPayload(spec.metadata);
  for (const p of items) {
    let read: ReturnType<typeof readEvent>;
    try {
      read = readEvent(p.msg, spec.pubsubName, raw);
    } catch (err) {
      p.reject(err);
      continue;
    }
    const { event, json } = read;
    let path: string | undefined;
    try {
      path = isExpired(event, deps.now()) ? undefined : selectRoute(spec.rules, event);
    } catch (err) {
      // A rule that fails on the event fails its entry: to the dead-letter topic, else redelivered.
      await deadLetterOrReject(spec, p, deps, err);
      continue;
    }
    if (path === undefined) {
      await settleDropped(spec, p, deps);
      continue;
    }
    const entries = byPath.get(path);
    if (entries) entries.push({ p, event, json });
    else byPath.set(path, [{ p, event, json }]);
  }
  await Promise.all([...byPath].map(([path, entries]) => deliverBulk(spec, path, entries, deps)));
}

async function deliverBulk(
  spec: SubscriptionSpec,
  path: string,
  entries: Entry[],
  deps: SubscriberDeps,
): Promise<void> {
  let remaining = entries;
  const outcome = { success: 0, drop: 0, retry: 0 };
  const started = performance.now();
  try {
    await deps.inbound(async (signal) => {
      let statuses: Map<string, string>;
      try {
        statuses = await deps.app.deliverBulk({
          pubsubName: spec.pubsubName,
          topic: spec.topic,
          path,
          rawPayload: isRawPayload(spec.metadata),
          entries: remaining.map(({ p, event, json }) => ({
            entryId: p.entryId,
            event,
            json,
            data: p.msg.data,
            contentType: p.msg.contentType ?? CLOUDEVENT_CONTENT_TYPE,
            metadata: p.msg.metadata,
          })),
          signal,
        });
      } catch (err) {
        throw new RetriableDeliveryError(`cannot reach the app: ${(err as Error).message}`);
      }
      const next: typeof remaining = [];
      for (const e of remaining) {
        const s = statuses.get(e.p.entryId);
        if (s === 'SUCCESS') {
          outcome.success++;
          e.p.resolve();
        } else if (s === 'DROP') {
          outcome.drop++;
          await settleDropped(spec, e.p, deps);
        } else next.push(e);
      }
      remaining = next;
      if (remaining.length > 0)
        throw new RetriableDeliveryError(`${remaining.length} entries not acknowledged`);
    });
  } catch (err) {
    outcome.retry = remaining.length;
    for (const e of remaining) await deadLetterOrReject(spec, e.p, deps, err);
  }
  // One bulk ingress per batch, its entries by how they ended (daprd's bulk subscribe diagnostics).
  deps.metrics?.pubsubIngressBulk(spec.pubsubName, spec.topic, outcome, performance.now() - started);
}

/** A dropped entry is acked, after a trip to the dead-letter topic when there is one. */
async function settleDropped(spec: SubscriptionSpec, p: Pending, deps: SubscriberDeps): Promise<void> {
  if (!spec.deadLetterTopic) return p.resolve();
  await deadLetterOrReject(spec, p, deps, new Error('dropped'));
}

async function deadLetterOrReject(
  spec: SubscriptionSpec,
  p: Pending,
  deps: SubscriberDeps,
  err: unknown,
): Promise<void> {
  if (await publishToDeadLetter(spec, p.msg, deps, deps.logger)) p.resolve();
  else p.reject(err);
}
