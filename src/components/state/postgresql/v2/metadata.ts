import { isValidTableName, blankAsUndefined, parsePgMetadata } from '../../../common/postgresql/metadata.js';
import { md } from '../../../common/metadata.js';
import type { PgStateSettings } from '../base.js';

/** `state.postgresql` v2 fields beyond the shared ones. */
const v2Shape = {
  /** Prefix of the state table name: the table is `<tablePrefix>state` (the prefix may carry a `schema.`). */
  tablePrefix: blankAsUndefined(
    md
      .string()
      .refine((p) => isValidTableName(`${p}state`), {
        message: "must make a valid table name when followed by 'state' (e.g. 'myapp_' or 'myschema.')",
      })
      .default(''),
  ),
};

/** Parsed v2 settings: the shared ones plus the prefix, which also names v2's metadata rows. */
export interface V2Settings extends PgStateSettings {
  tablePrefix: string;
}

/**
 * Parses v2 metadata. Runtime-level keys (`keyPrefix`, `actorStateStore`) and unknown keys are ignored.
 * Throws ComponentMetadataError naming the offending field.
 */
export function parseV2Metadata(component: string, raw: Record<string, string>): V2Settings {
  const m = parsePgMetadata(component, v2Shape, raw);
  return { ...m, table: `${m.tablePrefix}state` };
}
