import { isPinger, type Pinger } from '../components/component.js';
import {
  isBulkPublisher,
  type BulkPublisher,
  type PubSub,
  type SubscribeRequest,
} from '../components/pubsub/interface.js';

/**
 * daprd's namespace-scoped pub/sub: when a component's metadata mentions `{namespace}` (the docs'
 * `consumerID: "{namespace}"`), topics on the broker are `<namespace><topic>`, so apps with one app id
 * in several namespaces share a broker apart. Messages reach the runtime with the namespace taken
 * out of their topic again (the first occurrence, as daprd's strings.Replace).
 */
export function namespacedTopics(inner: PubSub, namespace: string): PubSub {
  const scoped = <T extends { topic: string }>(req: T): T => ({ ...req, topic: namespace + req.topic });
  const pubsub: PubSub = {
    init: () => inner.init(),
    close: () => inner.close(),
    features: () => inner.features(),
    publish: (req) => inner.publish(scoped(req)),
    subscribe: (req, handler) =>
      inner.subscribe(scoped(req), (msg) => handler({ ...msg, topic: msg.topic.replace(namespace, '') })),
  };
  if (inner.handlerWindow)
    pubsub.handlerWindow = (req: SubscribeRequest) => inner.handlerWindow!(scoped(req));
  const extra: Partial<BulkPublisher & Pinger> = {};
  if (isBulkPublisher(inner))
    extra.bulkPublish = (topic, entries, metadata) => inner.bulkPublish(namespace + topic, entries, metadata);
  if (isPinger(inner)) extra.ping = () => inner.ping();
  return Object.assign(pubsub, extra);
}

/** True when a component's metadata (as written, before templates) scopes its topics by namespace. */
export function mentionsNamespace(values: unknown[]): boolean {
  return values.some((v) => typeof v === 'string' && v.includes('{namespace}'));
}
