import { join } from 'node:path';
import type * as z from 'zod';
import { md } from '../common/metadata.js';
import { blankAsUndefined } from '../common/postgresql/metadata.js';
import type { JobEngineSettings } from './interface.js';

/** Defaults of the engine settings every job store accepts. */
export const ENGINE_DEFAULTS: JobEngineSettings = { leaseMs: 30_000, pollIntervalMs: 1_000 };

/**
 * Metadata fields shared by every `scheduler.*` store: `leaseDuration` (how long a claim holds before
 * another sidecar may take a trigger over; all sidecars sharing a store should agree) and
 * `pollInterval` (how often a sidecar looks for due work scheduled by its peers).
 */
export const engineSettingsShape = {
  leaseDuration: blankAsUndefined(
    md
      .duration()
      .refine((ms) => ms >= 100, { message: 'must be at least 100ms' })
      .default(ENGINE_DEFAULTS.leaseMs),
  ),
  pollInterval: blankAsUndefined(
    md
      .duration()
      .refine((ms) => ms >= 10, { message: 'must be at least 10ms' })
      .default(ENGINE_DEFAULTS.pollIntervalMs),
  ),
};

export type EngineSettingsMetadata = z.output<z.ZodObject<typeof engineSettingsShape>>;

export function engineSettings(m: EngineSettingsMetadata): JobEngineSettings {
  return { leaseMs: m.leaseDuration, pollIntervalMs: m.pollInterval };
}

/** Metadata of the embedded default job store: `scheduler.sqlite` in `<dataDir>/jobs.db`. */
export function embeddedJobStoreMetadata(dataDir: string): Record<string, string> {
  return { connectionString: join(dataDir, 'jobs.db') };
}
