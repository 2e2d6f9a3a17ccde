import { parsePgMetadata, tableName } from '../../../common/postgresql/metadata.js';
import type { PgStateSettings } from '../base.js';

/** `state.postgresql` v1 fields beyond the shared ones (Dapr's defaults). */
const v1Shape = {
  /** State table; may be `schema.table`. */
  tableName: tableName('state'),
};

/**
 * Parses v1 metadata. Runtime-level keys (`keyPrefix`, `actorStateStore`) and unknown keys are ignored.
 * Throws ComponentMetadataError naming the offending field.
 */
export function parseV1Metadata(component: string, raw: Record<string, string>): PgStateSettings {
  const m = parsePgMetadata(component, v1Shape, raw);
  return { ...m, table: m.tableName };
}
