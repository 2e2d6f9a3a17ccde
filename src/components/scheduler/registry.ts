import type { ComponentContext } from '../component.js';
import { ComponentRegistry } from '../registry.js';
import type { JobStore } from './interface.js';
import { embeddedJobStoreMetadata } from './metadata.js';

/**
 * `scheduler.kubernetes` (declared by one seed's component catalogue) is not a Dapr component: daprd's
 * jobs live in its Scheduler service. daprts loads it as the embedded store (`<dataDir>/jobs.db`)
 * so the catalogue starts unchanged, and warns that this store is one sidecar's own: replicas do not
 * share it, so a job each replica registers fires once per replica. Use `scheduler.postgresql`.
 */
async function kubernetesAlias(): Promise<(ctx: ComponentContext) => JobStore> {
  const { SqliteJobStore } = await import('./sqlite/index.js');
  return (ctx) => {
    ctx.logger.warn(
      `component ${ctx.name}: type scheduler.kubernetes is served by the embedded job store in ` +
        `${embeddedJobStoreMetadata(ctx.dataDir).connectionString} (metadata ignored). It is not shared ` +
        'between replicas: for jobs that fire once across replicas and restarts use scheduler.postgresql',
    );
    return new SqliteJobStore({ ...ctx, metadata: embeddedJobStoreMetadata(ctx.dataDir) });
  };
}

/** The catalogue of job store types (`scheduler.*` components): one line per component. */
export const jobStoreRegistry = new ComponentRegistry<JobStore>('job store', [
  {
    type: 'scheduler.postgresql',
    versions: ['v1'],
    load: async () => {
      const { PostgresJobStore } = await import('./postgresql/index.js');
      return (ctx) => new PostgresJobStore(ctx);
    },
  },
  {
    type: 'scheduler.sqlite',
    versions: ['v1'],
    load: async () => {
      const { SqliteJobStore } = await import('./sqlite/index.js');
      return (ctx) => new SqliteJobStore(ctx);
    },
  },
  { type: 'scheduler.kubernetes', versions: ['v1'], load: kubernetesAlias },
]);

/** Component name of the embedded default job store (used when no `scheduler.*` component is loaded). */
export const EMBEDDED_JOB_STORE_NAME = 'scheduler';

/** The context of the embedded default job store: `scheduler.sqlite` in `<dataDir>/jobs.db`. */
export function embeddedJobStoreContext(
  base: Omit<ComponentContext, 'name' | 'type' | 'version' | 'metadata'>,
): ComponentContext {
  return {
    ...base,
    name: EMBEDDED_JOB_STORE_NAME,
    type: 'scheduler.sqlite',
    version: 'v1',
    metadata: embeddedJobStoreMetadata(base.dataDir),
  };
}

export { embeddedJobStoreMetadata };
