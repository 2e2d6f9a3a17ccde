import type { ComponentContext } from '../../component.js';
import { PubSubFeature } from '../features.js';
import type { MessageHandler, PubSub, PublishRequest, SubscribeRequest, Subscription } from '../interface.js';

interface Sub {
  handler: MessageHandler;
  /** Per-subscription FIFO so messages are delivered in publish order, one at a time. */
  queue: Promise<void>;
  closed: boolean;
}

/**
 * `pubsub.in-memory`: the reference broker, per process. Delivers in publish order to every
 * subscription of a topic; a rejected message is logged and dropped, as daprd's in-memory does.
 */
export class InMemoryPubSub implements PubSub {
  private readonly topics = new Map<string, Set<Sub>>();

  constructor(private readonly ctx: Pick<ComponentContext, 'logger'>) {}

  async init(): Promise<void> {}

  async close(): Promise<void> {
    this.topics.clear();
  }

  /** contrib's in-memory advertises SUBSCRIBE_WILDCARDS (daprd lists it in the metadata API). */
  features() {
    return [PubSubFeature.SUBSCRIBE_WILDCARDS] as const;
  }

  async publish(req: PublishRequest): Promise<void> {
    for (const sub of this.topics.get(req.topic) ?? []) {
      const msg = {
        topic: req.topic,
        data: req.data,
        metadata: { ...req.metadata },
        contentType: req.contentType,
      };
      sub.queue = sub.queue.then(async () => {
        if (sub.closed) return;
        try {
          await sub.handler(msg);
        } catch (err) {
          this.ctx.logger.warn({ err, topic: req.topic }, 'in-memory pubsub: message not processed; dropped');
        }
      });
    }
  }

  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<Subscription> {
    const sub: Sub = { handler, queue: Promise.resolve(), closed: false };
    let set = this.topics.get(req.topic);
    if (!set) this.topics.set(req.topic, (set = new Set()));
    set.add(sub);
    return {
      close: async () => {
        sub.closed = true;
        set.delete(sub);
        await sub.queue;
      },
    };
  }
}
