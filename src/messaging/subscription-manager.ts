import type { Logger } from '../diagnostics/logger.js';
import type { SubscribeRequest, Subscription } from '../components/pubsub/interface.js';
import type { ResiliencyProvider } from '../resiliency/provider.js';
import type { CompStore } from '../runtime/compstore.js';
import type { AppDelivery } from './delivery/app-delivery.js';
import { createBulkHandler } from './delivery/bulk-subscriber.js';
import { createMessageHandler, type SubscriberDeps } from './delivery/subscriber.js';
import { topicScopes } from './topic-scopes.js';
import type { SubscriptionSpec } from './subscriptions/types.js';

export interface SubscriptionManagerOptions {
  appId: string;
  compStore: CompStore;
  /** How events reach the app (HTTP or gRPC app channel). */
  app: AppDelivery;
  resiliency: ResiliencyProvider;
  logger: Logger;
  now: () => number;
  onDelivery?: SubscriberDeps['onDelivery'];
  tracing?: SubscriberDeps['tracing'];
  metrics?: SubscriberDeps['metrics'];
}

/** Runs the subscription table: one broker subscription per (pubsub, topic), closed together. */
export class SubscriptionManager {
  private readonly live: { spec: SubscriptionSpec; sub: Subscription }[] = [];
  /** The subscriptions that apply (set by `start`), kept while paused. */
  private table: SubscriptionSpec[] = [];
  /** What the metadata API lists: every subscription the app has, running or not (as daprd's compstore). */
  private listed: SubscriptionSpec[] = [];
  private readonly log: Logger;

  constructor(private readonly opts: SubscriptionManagerOptions) {
    this.log = opts.logger.child({ scope: 'dapr.runtime.pubsub' });
  }

  /**
   * Merges declarative and programmatic subscriptions (one per pubsub/topic, chosen as daprd's
   * compstore does: see `deduplicated`) and subscribes each. A subscription to an unknown pub/sub is skipped with a
   * warning, as daprd does; a topic the component's scopes forbid is skipped too.
   */
  async start(specs: SubscriptionSpec[]): Promise<void> {
    this.listed = deduplicated(specs);
    this.table = this.accepted(this.listed);
    await this.subscribeAll();
  }

  /**
   * Closes every broker subscription but keeps the table (the app became unhealthy): undelivered
   * messages stay with the broker, nothing is acknowledged for the app.
   */
  async pause(): Promise<void> {
    await this.closeAll();
    this.log.info('app subscriptions stopped: the app is unhealthy');
  }

  /** Subscribes the table again after `pause()` (the app is healthy again). */
  async resume(): Promise<void> {
    if (this.live.length > 0) return;
    await this.subscribeAll();
  }

  /** The subscriptions that run: a known pub/sub, a topic its scopes allow. */
  private accepted(specs: SubscriptionSpec[]): SubscriptionSpec[] {
    const out: SubscriptionSpec[] = [];
    for (const spec of specs) {
      const pubsub = this.opts.compStore.getPubSub(spec.pubsubName);
      if (!pubsub) {
        this.log.warn(
          { pubsub: spec.pubsubName, topic: spec.topic },
          `subscription to unknown pub/sub ${spec.pubsubName} ignored`,
        );
        continue;
      }
      if (!topicScopes(pubsub.metadata, this.opts.appId).canSubscribe(spec.topic)) {
        this.log.warn(
          { pubsub: spec.pubsubName, topic: spec.topic },
          'subscription not allowed by the component scopes; ignored',
        );
        continue;
      }
      out.push(spec);
    }
    return out;
  }

  private async subscribeAll(): Promise<void> {
    for (const spec of this.table) {
      const pubsub = this.opts.compStore.getPubSub(spec.pubsubName);
      if (!pubsub) continue;
      const deps: SubscriberDeps = {
        pubsub,
        app: this.opts.app,
        inbound: this.opts.resiliency.componentInbound(pubsub.name, 'pubsub'),
        logger: this.opts.logger,
        now: this.opts.now,
        onDelivery: this.opts.onDelivery,
        tracing: this.opts.tracing,
        metrics: this.opts.metrics,
      };
      const req: SubscribeRequest = {
        topic: spec.topic,
        metadata: spec.metadata,
        batchSize: spec.bulkSubscribe?.maxMessagesCount,
      };
      const handler = spec.bulkSubscribe
        ? createBulkHandler(spec, spec.bulkSubscribe, deps, pubsub.pubsub.handlerWindow?.(req) ?? 1)
        : createMessageHandler(spec, deps);
      const sub = await pubsub.pubsub.subscribe(req, handler);
      this.live.push({ spec, sub });
      this.log.info(
        { pubsub: spec.pubsubName, topic: spec.topic, type: spec.type },
        `subscribed to ${spec.pubsubName}/${spec.topic}`,
      );
    }
  }

  /**
   * The app's subscriptions, for the metadata API, as daprd's compstore lists them: while paused
   * too, and also those that do not run (an unknown pub/sub, a topic its scopes deny).
   */
  list(): SubscriptionSpec[] {
    return [...this.listed];
  }

  async close(): Promise<void> {
    await this.closeAll();
  }

  private async closeAll(): Promise<void> {
    const live = this.live.splice(0);
    await Promise.allSettled(live.map((l) => l.sub.close()));
  }
}

/**
 * One subscription per pubsub/topic, as daprd's compstore lists them (ListSubscriptionsAppByPubSub,
 * ListTypedSubscriptions): among declarative ones the first wins; a programmatic one replaces
 * whatever came before it, in that one's place (so the app's `GET /dapr/subscribe` overrides a
 * Subscription resource, and its last entry for a topic wins).
 */
export function deduplicated(specs: readonly SubscriptionSpec[]): SubscriptionSpec[] {
  const out: SubscriptionSpec[] = [];
  const at = new Map<string, number>();
  for (const spec of specs) {
    const key = `${spec.pubsubName}\u0000${spec.topic}`;
    const i = at.get(key);
    if (i === undefined) {
      at.set(key, out.push(spec) - 1);
    } else if (spec.type === 'PROGRAMMATIC') {
      out[i] = spec;
    }
  }
  return out;
}
