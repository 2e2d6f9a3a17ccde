import { ComponentRegistry, type ComponentFactory } from '../registry.js';
import type { StateStore } from './interface.js';

/** The catalogue of state store types: one line per component, its module imported on first use. */
export const stateStoreRegistry = new ComponentRegistry<StateStore>('state store', [
  {
    type: 'state.in-memory',
    versions: ['v1'],
    load: async () => {
      const { InMemoryStateStore } = await import('./in-memory/index.js');
      return (ctx) => new InMemoryStateStore(ctx);
    },
  },
  {
    type: 'state.postgresql',
    versions: ['v1'],
    load: async () => {
      const { PostgresStateStoreV1 } = await import('./postgresql/v1/index.js');
      return (ctx) => new PostgresStateStoreV1(ctx);
    },
  },
  {
    type: 'state.postgresql',
    versions: ['v2'],
    load: async () => {
      const { PostgresStateStoreV2 } = await import('./postgresql/v2/index.js');
      return (ctx) => new PostgresStateStoreV2(ctx);
    },
  },
  {
    type: 'state.redis',
    versions: ['v1'],
    load: async () => {
      const { RedisStateStore } = await import('./redis/index.js');
      return (ctx) => new RedisStateStore(ctx);
    },
  },
  {
    type: 'state.sqlite',
    versions: ['v1'],
    load: async () => {
      const { SqliteStateStore } = await import('./sqlite/index.js');
      return (ctx) => new SqliteStateStore(ctx);
    },
  },
]);

export type StateStoreFactory = ComponentFactory<StateStore>;

/** The factory for a state store type and version; throws (synchronously) for unknown ones. */
export function findStateStoreFactory(type: string, version: string): StateStoreFactory {
  return stateStoreRegistry.find(type, version);
}
