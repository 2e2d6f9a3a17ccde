import type { ComponentResource } from './component-schema.js';

export const REDACTED = '***';

/** Metadata names whose values are credentials even when written inline (matched case-insensitively). */
const SENSITIVE =
  /(password|passwd|secret|token|credential|connectionstring|dsn$|api[-_]?key|accesskey|privatekey|clientkey|certificate|cert$|^key$)/i;

export function isSensitiveMetadataName(name: string): boolean {
  return SENSITIVE.test(name);
}

/**
 * A copy of a component's resolved metadata that is safe to log: values that came from a
 * `secretKeyRef`, and values of fields whose names look like credentials, are replaced by `***`.
 * Logs and `/v1.0/metadata` must only ever see this form (or no metadata at all).
 */
export function redactComponentMetadata(
  resource: ComponentResource,
  resolved: Record<string, string>,
): Record<string, string> {
  const fromSecrets = new Set(
    (resource.spec.metadata ?? []).filter((m) => m.secretKeyRef !== undefined).map((m) => m.name),
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(resolved)) {
    Object.defineProperty(out, k, {
      value: fromSecrets.has(k) || isSensitiveMetadataName(k) ? REDACTED : v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
