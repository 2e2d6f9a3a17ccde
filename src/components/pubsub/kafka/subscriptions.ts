import type { Logger } from '../../../diagnostics/logger.js';
import type { Subscription } from '../interface.js';
import type { GroupConsumer, TopicHandler } from './consumer.js';

interface GroupState {
  group: string;
  /** What the subscriptions ask for: topic → handler. */
  desired: Map<string, TopicHandler>;
  consumer?: GroupConsumer;
  /** Changes to one group run one after another. */
  chain: Promise<void>;
  restartTimer?: NodeJS.Timeout;
}

/** Delay before the remaining topics of a group get a new consumer after one topic was closed. */
const RESTART_DELAY_MS = 100;
const RESTART_RETRY_MS = 5_000;

/**
 * Keeps one consumer per consumer group for the set of topics subscribed in that group.
 * Subscriptions made together (same tick, e.g. `Promise.all`) start one consumer; a later topic is
 * added to the running member (a quick rejoin). Closing a topic stops that member (in-flight
 * handlers settle, resolved offsets are committed, the group is left) and, shortly after, a new
 * member starts for the topics that remain. Closing several topics in a row stops it only once.
 */
export class KafkaSubscriptions {
  private readonly groups = new Map<string, GroupState>();
  private closed = false;

  /**
   * @param prepare runs before topics are given to a consumer (the component asks the brokers
   *   about them, so that auto-creation happens before the group join).
   */
  constructor(
    private readonly newConsumer: (group: string) => GroupConsumer,
    private readonly prepare: (topics: string[]) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  async subscribe(group: string, topic: string, handler: TopicHandler): Promise<Subscription> {
    if (this.closed) throw new Error('the component is closed');
    const g = this.state(group);
    if (g.desired.has(topic)) {
      throw new Error(`topic '${topic}' already has a subscription in consumer group '${group}'`);
    }
    g.desired.set(topic, handler);
    try {
      await this.enqueue(g, () => this.reconcile(g));
    } catch (err) {
      if (g.desired.get(topic) === handler) g.desired.delete(topic);
      throw err;
    }
    let closing: Promise<void> | undefined;
    return {
      close: () => {
        closing ??= (async () => {
          if (g.desired.get(topic) === handler) g.desired.delete(topic);
          await this.enqueue(g, () => this.removeTopic(g, topic));
        })();
        return closing;
      },
    };
  }

  /** The running consumer of a group (tests wait on its first assignment). */
  consumerOf(group: string): GroupConsumer | undefined {
    return this.groups.get(group)?.consumer;
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.groups.values()].map((g) => {
        clearTimeout(g.restartTimer);
        g.desired.clear();
        return this.enqueue(g, () => this.reconcile(g)).catch((err) =>
          this.logger.warn({ err, group: g.group }, 'kafka: consumer did not stop cleanly'),
        );
      }),
    );
  }

  private state(group: string): GroupState {
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = { group, desired: new Map(), chain: Promise.resolve() }));
    return g;
  }

  private enqueue(g: GroupState, fn: () => Promise<void>): Promise<void> {
    const run = g.chain.then(fn);
    g.chain = run.catch(() => {});
    return run;
  }

  /** Brings the group's consumer in line with `desired`. */
  private async reconcile(g: GroupState): Promise<void> {
    const running = g.consumer;
    if (running && (g.desired.size === 0 || [...running.topics.keys()].some((t) => !g.desired.has(t)))) {
      g.consumer = undefined;
      await running.stop();
    }
    if (g.desired.size === 0 || this.closed) return;
    if (!g.consumer) {
      const consumer = this.newConsumer(g.group);
      await this.prepare([...g.desired.keys()]);
      try {
        await consumer.start(new Map(g.desired));
      } catch (err) {
        await consumer.stop().catch(() => {});
        throw err;
      }
      g.consumer = consumer;
      return;
    }
    const consumer = g.consumer;
    const missing = new Map([...g.desired].filter(([t]) => !consumer.topics.has(t)));
    if (missing.size === 0) return;
    await this.prepare([...missing.keys()]);
    await consumer.addTopics(missing);
  }

  private async removeTopic(g: GroupState, topic: string): Promise<void> {
    const running = g.consumer;
    if (!running?.topics.has(topic)) return;
    g.consumer = undefined;
    await running.stop();
    if (g.desired.size > 0) this.restartLater(g, RESTART_DELAY_MS);
  }

  private restartLater(g: GroupState, delayMs: number): void {
    if (g.restartTimer || this.closed) return;
    g.restartTimer = setTimeout(() => {
      g.restartTimer = undefined;
      this.enqueue(g, () => this.reconcile(g)).catch((err) => {
        this.logger.error(
          { err, group: g.group, topics: [...g.desired.keys()] },
          `kafka: cannot restart the consumer; retrying in ${RESTART_RETRY_MS / 1000}s`,
        );
        this.restartLater(g, RESTART_RETRY_MS);
      });
    }, delayMs);
  }
}
