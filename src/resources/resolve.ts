import { randomUUID } from 'node:crypto';
import type { ComponentResource } from './component-schema.js';
import { ResourceError } from './errors.js';
import { currentNamespace } from './namespace.js';

/**
 * Looks up one secret for a `secretKeyRef`. Implemented by the secrets building block; until a
 * store is configured every reference fails with an error that names it.
 */
export type SecretResolver = (req: {
  store: string;
  name: string;
  key: string;
  namespace: string;
}) => Promise<string>;

export interface ResolveContext {
  file: string;
  appId: string;
  namespace: string;
  env: NodeJS.ProcessEnv;
  /** Secret store used when the component has no `auth.secretStore` (Kubernetes mode: `kubernetes`). */
  defaultSecretStore?: string;
  resolveSecret: SecretResolver;
}

/**
 * Turns `spec.metadata` into a flat `name → string` map: scalars stringified, `envRef` read from the
 * environment (never `DAPR_*` or `APP_API_TOKEN`), `secretKeyRef` resolved through the component's
 * secret store, and the `{uuid}`, `{appID}`, `{namespace}`, `{podName}` templates expanded.
 * A reference that cannot be resolved is an error naming the component, field, store and key.
 */
export async function resolveComponentMetadata(
  c: ComponentResource,
  ctx: ResolveContext,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const where = `Component "${c.metadata.name}"`;
  for (const item of c.spec.metadata ?? []) {
    if (item.envRef !== undefined) {
      out[item.name] = readEnvRef(item.envRef, ctx, where, item.name);
    } else if (item.secretKeyRef !== undefined) {
      const store = c.auth?.secretStore ?? ctx.defaultSecretStore;
      const key = item.secretKeyRef.key || item.secretKeyRef.name;
      if (!store) {
        throw new ResourceError(
          ctx.file,
          where,
          `metadata.${item.name}`,
          `secretKeyRef ${item.secretKeyRef.name}/${key} needs auth.secretStore: no secret store is named`,
        );
      }
      try {
        out[item.name] = await ctx.resolveSecret({
          store,
          name: item.secretKeyRef.name,
          key,
          namespace: c.metadata.namespace ?? ctx.namespace,
        });
      } catch (err) {
        throw new ResourceError(
          ctx.file,
          where,
          `metadata.${item.name}`,
          `cannot resolve secretKeyRef ${item.secretKeyRef.name}/${key} from secret store "${store}": ${(err as Error).message}`,
        );
      }
    } else {
      out[item.name] = expandTemplates(
        item.value === null || item.value === undefined ? '' : String(item.value),
        ctx,
      );
    }
  }
  return out;
}

function readEnvRef(name: string, ctx: ResolveContext, where: string, field: string): string {
  const upper = name.toUpperCase();
  if (upper.startsWith('DAPR_') || upper === 'APP_API_TOKEN') {
    throw new ResourceError(
      ctx.file,
      where,
      `metadata.${field}`,
      `envRef ${name} is not allowed (DAPR_* and APP_API_TOKEN are reserved)`,
    );
  }
  const allow = ctx.env.DAPR_ENV_KEYS?.split(/[,\s]+/).filter(Boolean);
  if (allow && allow.length > 0 && !allow.includes(name)) {
    throw new ResourceError(ctx.file, where, `metadata.${field}`, `envRef ${name} is not in DAPR_ENV_KEYS`);
  }
  // Own variables only: `constructor`, `toString`, `__proto__`… are not environment variables.
  const v = Object.prototype.hasOwnProperty.call(ctx.env, name) ? ctx.env[name] : undefined;
  if (typeof v !== 'string')
    throw new ResourceError(
      ctx.file,
      where,
      `metadata.${field}`,
      `environment variable ${name} (envRef) is not set`,
    );
  return v;
}

function expandTemplates(value: string, ctx: ResolveContext): string {
  if (!value.includes('{')) return value;
  // daprd fills {namespace} from CurrentNamespace().
  const namespace = `${currentNamespace(ctx.namespace)}.${ctx.appId}`;
  return value
    .replace(/\{uuid\}/g, () => randomUUID())
    .replace(/\{appID\}/g, ctx.appId)
    .replace(/\{namespace\}/g, namespace)
    .replace(/\{podName\}/g, () => {
      const pod = ctx.env.POD_NAME;
      if (!pod)
        throw new ResourceError(ctx.file, 'metadata', '', '{podName} is used but POD_NAME is not set');
      return pod;
    });
}
