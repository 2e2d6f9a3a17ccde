import type { Logger } from '../diagnostics/logger.js';
import { Errors } from '../errors/catalogue.js';
import type { Subscription } from '../components/pubsub/interface.js';
import type { ResiliencyProvider } from '../resiliency/provider.js';
import type { CompStore } from '../runtime/compstore.js';
import type { AppDelivery } from './delivery/app-delivery.js';
import { createMessageHandler, type SubscriberDeps } from './delivery/subscriber.js';
import type { SubscriptionSpec } from './subscriptions/types.js';
import { topicScopes } from './topic-scopes.js';

export interface StreamingSubscriptionsOptions {
  appId: string;
  compStore: CompStore;
  logger: Logger;
  now: () => number;
  /** The resiliency provider in force (the runtime's is replaced once resources are loaded). */
  resiliency: () => ResiliencyProvider;
  /** Delivery observers (metrics, tracing, tests), as the other subscriptions get them. */
  observe?: () => Pick<SubscriberDeps, 'onDelivery' | 'tracing' | 'metrics'>;
}

interface Live {
  key: string;
  spec: SubscriptionSpec;
  sub?: Subscription;
  /** Set once the stream ended: a new stream for the same topic waits for it to let go. */
  closing?: Promise<void>;
}

/** A streaming subscription while its stream is open. */
export interface StreamingHandle {
  /** Stops taking messages; unacknowledged ones stay with the broker. */
  close(): Promise<void>;
}

/**
 * Streaming subscriptions (`SubscribeTopicEventsAlpha1`): the app opens a stream instead of
 * declaring a route, and the stream is where events go. Each one runs through the same delivery
 * code as declarative and programmatic subscriptions (inbound retries, dead letters, nothing acked
 * before SUCCESS). As in daprd since 1.16, a topic may have several streams at once, each with its
 * own subscription to the broker (each stream gets what the broker gives that subscription).
 */
export class StreamingSubscriptions {
  private readonly live = new Set<Live>();
  private readonly log: Logger;

  constructor(private readonly opts: StreamingSubscriptionsOptions) {
    this.log = opts.logger.child({ scope: 'dapr.runtime.pubsub.streamer' });
  }

  /** Subscribes `spec` with `app` as where events go; throws a DaprError when it cannot. */
  async add(spec: SubscriptionSpec, app: AppDelivery): Promise<StreamingHandle> {
    const key = `${spec.pubsubName}||${spec.topic}`;
    const pubsub = this.opts.compStore.getPubSub(spec.pubsubName);
    if (!pubsub) throw Errors.pubsubNotFound(spec.pubsubName, null);
    if (!topicScopes(pubsub.metadata, this.opts.appId).canSubscribe(spec.topic))
      throw Errors.pubsubForbidden(spec.topic, spec.pubsubName, this.opts.appId);
    // A stream that just dropped may still be letting go of its messages: a reconnect waits for it.
    await Promise.all([...this.live].filter((l) => l.key === key && l.closing).map((l) => l.closing));
    const entry: Live = { key, spec };
    this.live.add(entry);
    const deps: SubscriberDeps = {
      pubsub,
      app,
      inbound: this.opts.resiliency().componentInbound(pubsub.name, 'pubsub'),
      logger: this.opts.logger,
      now: this.opts.now,
      ...this.opts.observe?.(),
    };
    try {
      entry.sub = await pubsub.pubsub.subscribe(
        { topic: spec.topic, metadata: spec.metadata },
        createMessageHandler(spec, deps),
      );
    } catch (err) {
      this.live.delete(entry);
      throw err;
    }
    this.log.info(`Subscribing to pubsub '${spec.pubsubName}' topic '${spec.topic}'`);
    return {
      close: () =>
        (entry.closing ??= (async () => {
          await entry.sub?.close();
          this.live.delete(entry);
          this.log.info(`Unsubscribed from pubsub '${spec.pubsubName}' topic '${spec.topic}'`);
        })()),
    };
  }

  /** The open streaming subscriptions, for the metadata API. */
  list(): SubscriptionSpec[] {
    return [...this.live].map((l) => l.spec);
  }

  /** Closes every streaming subscription (the streams themselves are ended by the API server). */
  async close(): Promise<void> {
    const all = [...this.live];
    this.live.clear();
    await Promise.allSettled(all.map((l) => l.sub?.close()));
  }
}
