import type { SetRequest } from '../../src/components/state/interface.js';

/** A value as the HTTP API hands it to a store: its JSON bytes. */
export const json = (v: unknown) => Buffer.from(JSON.stringify(v));

/** A store `SetRequest` of `value` as JSON, no metadata or options unless `extra` has them. */
export const setRequest = (key: string, value: unknown, extra: Partial<SetRequest> = {}): SetRequest => ({
  key,
  value: json(value),
  metadata: {},
  options: {},
  ...extra,
});
