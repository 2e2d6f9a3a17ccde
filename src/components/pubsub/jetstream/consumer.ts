import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from '../../../diagnostics/logger.js';
import type { DeliverPolicyName, JetStreamMetadata } from './metadata.js';
import { natsName } from './streams.js';

const DELIVER: Record<DeliverPolicyName, DeliverPolicy> = {
  all: DeliverPolicy.All,
  last: DeliverPolicy.Last,
  new: DeliverPolicy.New,
  sequence: DeliverPolicy.StartSequence,
  time: DeliverPolicy.StartTime,
};

/** The settings this component manages on a consumer; updated in place when they change. */
type Tunable = Pick<ConsumerConfig, 'ack_wait' | 'max_deliver' | 'backoff' | 'max_ack_pending'>;

function tunables(meta: JetStreamMetadata): Partial<Tunable> {
  const t: Partial<Tunable> = {};
  if (meta.maxDeliver) t.max_deliver = meta.maxDeliver;
  // The server requires max_deliver > len(backoff) (2.9 rejects -1 too), so the consumer gets the
  // backoff only with a finite maxDeliver; otherwise backOff only spaces the naks (see subscription).
  // With a backoff the server uses its first value as the ack wait.
  if (meta.backOffMs.length > 0 && meta.maxDeliver && meta.maxDeliver > 0)
    t.backoff = meta.backOffMs.map(nanos);
  else if (meta.ackWaitMs) t.ack_wait = nanos(meta.ackWaitMs);
  if (meta.maxAckPending) t.max_ack_pending = meta.maxAckPending;
  return t;
}

/** The durable pull consumer's configuration for a topic. */
export function consumerConfig(
  meta: JetStreamMetadata,
  name: string,
  topic: string,
): Partial<ConsumerConfig> {
  const c: Partial<ConsumerConfig> = {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DELIVER[meta.deliverPolicy],
    filter_subject: topic,
    ...tunables(meta),
  };
  if (meta.startSequence) c.opt_start_seq = meta.startSequence;
  if (meta.startTime) c.opt_start_time = meta.startTime.toISOString();
  if (meta.replicas) c.num_replicas = meta.replicas;
  if (meta.memoryStorage) c.mem_storage = true;
  return c;
}

/**
 * Names tried for a topic's durable consumer, first free-or-matching one wins:
 * - `durableName` verbatim (daprd's name, so an existing consumer is picked up), then
 *   `<durableName>-<topic>` when that name already serves another subject (a consumer has one filter);
 * - otherwise `<queueGroupName or consumerID>-<topic>`: every instance of the app shares the
 *   consumer and the messages are spread over them (a competing-consumers group, as on Kafka).
 */
export function consumerNames(meta: JetStreamMetadata, topic: string): string[] {
  if (meta.durableName) return [natsName(meta.durableName), natsName(`${meta.durableName}-${topic}`)];
  const base = meta.queueGroupName || meta.consumerID;
  if (!base)
    throw new Error('jetstream: set consumerID, durableName or queueGroupName (the app id is empty)');
  return [natsName(`${base}-${topic}`)];
}

/** Creates (or finds and updates) the durable consumer for a topic; returns its name. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  meta: JetStreamMetadata,
  topic: string,
  log: Logger,
): Promise<ConsumerInfo> {
  const names = consumerNames(meta, topic);
  for (const name of names) {
    // Twice: a concurrent creator may win between our info and our add.
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = await info(jsm, stream, name);
      if (existing) {
        if (existing.config.filter_subject !== topic) break; // serves another subject: next name
        return updateIfChanged(jsm, stream, existing, meta, log);
      }
      try {
        const ci = await jsm.consumers.add(stream, consumerConfig(meta, name, topic));
        log.info({ stream, consumer: name, subject: topic }, 'jetstream: created durable consumer');
        return ci;
      } catch (err) {
        if (attempt > 0) throw err;
      }
    }
  }
  throw new Error(
    `jetstream: consumers ${names.join(', ')} on stream '${stream}' already serve other subjects`,
  );
}

async function info(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, name);
  } catch (err) {
    if ((err as Error).name === 'ConsumerNotFoundError') return undefined;
    throw err;
  }
}

async function updateIfChanged(
  jsm: JetStreamManager,
  stream: string,
  existing: ConsumerInfo,
  meta: JetStreamMetadata,
  log: Logger,
): Promise<ConsumerInfo> {
  const want = tunables(meta);
  const cfg = existing.config as Partial<ConsumerConfig>;
  const changed = (Object.keys(want) as (keyof Tunable)[]).some(
    (k) => JSON.stringify(cfg[k]) !== JSON.stringify(want[k]),
  );
  if (!changed) return existing;
  try {
    const ci = await jsm.consumers.update(stream, existing.name, want);
    log.info({ stream, consumer: existing.name }, 'jetstream: updated the consumer settings');
    return ci;
  } catch (err) {
    log.warn(
      { err, stream, consumer: existing.name },
      'jetstream: could not update the consumer; using it as it is',
    );
    return existing;
  }
}
