import { join } from 'node:path';
import type { LoadedComponent } from '../resources/loader.js';

export const EMBEDDED_SOURCE = '(embedded default)';

/**
 * The components a runtime starts with when no resources are given: a durable state store named
 * `statestore` and a durable pub/sub named `pubsub`, each in a local SQLite file, so an app works
 * with no server and no Docker.
 */
export function embeddedDefaultComponents(dataDir: string): LoadedComponent[] {
  return [
    {
      file: EMBEDDED_SOURCE,
      resource: {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'statestore' },
        spec: {
          type: 'state.sqlite',
          version: 'v1',
          metadata: [{ name: 'connectionString', value: join(dataDir, 'state.db') }],
        },
      },
    },
    {
      file: EMBEDDED_SOURCE,
      resource: {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'pubsub' },
        spec: {
          type: 'pubsub.sqlite',
          version: 'v1',
          metadata: [{ name: 'connectionString', value: join(dataDir, 'pubsub.db') }],
        },
      },
    },
  ];
}
