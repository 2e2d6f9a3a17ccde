import { ComponentRegistry } from '../registry.js';
import type { PubSub } from './interface.js';

/** The catalogue of pub/sub types: one line per component, its module imported on first use. */
export const pubSubRegistry = new ComponentRegistry<PubSub>('pub/sub', [
  {
    type: 'pubsub.in-memory',
    versions: ['v1'],
    load: async () => {
      const { InMemoryPubSub } = await import('./in-memory/index.js');
      return (ctx) => new InMemoryPubSub(ctx);
    },
  },
  {
    type: 'pubsub.sqlite',
    versions: ['v1'],
    load: async () => {
      const { SqlitePubSub } = await import('./sqlite/index.js');
      return (ctx) => new SqlitePubSub(ctx);
    },
  },
  {
    type: 'pubsub.redis',
    versions: ['v1'],
    load: async () => {
      const { RedisStreamsPubSub } = await import('./redis/index.js');
      return (ctx) => new RedisStreamsPubSub(ctx);
    },
  },
  {
    type: 'pubsub.kafka',
    versions: ['v1'],
    load: async () => {
      const { KafkaPubSub } = await import('./kafka/index.js');
      return (ctx) => new KafkaPubSub(ctx);
    },
  },
  {
    type: 'pubsub.rabbitmq',
    versions: ['v1'],
    load: async () => {
      const { RabbitMQPubSub } = await import('./rabbitmq/index.js');
      return (ctx) => new RabbitMQPubSub(ctx);
    },
  },
  {
    type: 'pubsub.jetstream',
    versions: ['v1'],
    load: async () => {
      const { JetStreamPubSub } = await import('./jetstream/index.js');
      return (ctx) => new JetStreamPubSub(ctx);
    },
  },
  {
    type: 'pubsub.mqtt3',
    versions: ['v1'],
    load: async () => {
      const { Mqtt3PubSub } = await import('./mqtt3/index.js');
      return (ctx) => new Mqtt3PubSub(ctx);
    },
  },
]);
