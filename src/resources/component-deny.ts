import type { LoadedComponent } from './loader.js';

/**
 * The Configuration's `components.deny`, as daprd's authorizer applies it: each entry is a component
 * type (`bindings.smtp`) or a type and version (`state.in-memory/v1`); a component that matches one
 * is not loaded (a warning, not an error: the sidecar starts with the others).
 */
export function withoutDeniedComponents(
  loaded: LoadedComponent[],
  deny: string[],
  warn: (message: string) => void,
): LoadedComponent[] {
  const rules = deny
    .filter(Boolean)
    .map((d) => d.split('/'))
    .filter((parts) => parts.length <= 2)
    .map(([type, version]) => ({ type, version }));
  if (rules.length === 0) return loaded;
  return loaded.filter(({ resource }) => {
    const { type, version } = resource.spec;
    if (!rules.some((r) => r.type === type && (r.version === undefined || r.version === version)))
      return true;
    // daprd's words, with its LogName "<name> (<type>/<version>)" where the type belongs.
    warn(
      `component '${resource.metadata.name}' cannot be loaded because components of type '${resource.metadata.name} (${type}/${version})' are not allowed`,
    );
    return false;
  });
}
