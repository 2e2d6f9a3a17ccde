import type { LoadedComponent } from '../resources/loader.js';
import { componentSchema } from '../resources/component-schema.js';
import { ResourceError } from '../resources/errors.js';

/** A component given in code to `startRuntime` instead of a YAML file. */
export interface InlineComponent {
  name: string;
  /** e.g. `state.postgresql`. */
  type: string;
  version?: string;
  metadata?: Record<string, string>;
  scopes?: string[];
  ignoreErrors?: boolean;
  initTimeout?: string;
}

export const INLINE_SOURCE = '(inline)';

/** Validates inline components with the same schema as YAML ones. */
export function inlineComponents(list: InlineComponent[], appId: string): LoadedComponent[] {
  return list
    .filter((c) => !c.scopes || c.scopes.length === 0 || c.scopes.includes(appId))
    .map((c) => {
      const parsed = componentSchema.safeParse({
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: { name: c.name },
        spec: {
          type: c.type,
          version: c.version ?? 'v1',
          initTimeout: c.initTimeout,
          ignoreErrors: c.ignoreErrors,
          metadata: Object.entries(c.metadata ?? {}).map(([name, value]) => ({ name, value })),
        },
        scopes: c.scopes,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ResourceError(INLINE_SOURCE, `Component "${c.name}"`, issue.path.join('.'), issue.message);
      }
      return { file: INLINE_SOURCE, resource: parsed.data };
    });
}
