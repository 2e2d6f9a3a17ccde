import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import * as z from 'zod';
import { ResourceError } from './errors.js';
import { expandEnv } from './expand-env.js';
import { tracingFromEnv } from './otel-env.js';
import { allowAllSecrets, secretScopes, type SecretScopes } from './secret-scopes.js';

/** A YAML boolean (or its text, which some tools write quoted). */
const bool = z
  .union([z.boolean(), z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE'])])
  .transform((v) => v === true || (typeof v === 'string' && v.toLowerCase() === 'true'));
/** A Go `string` field: YAML scalars of any kind are read as their text. */
const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const strings = z
  .array(text)
  .nullish()
  .transform((v) => v ?? []);
const loose = z.record(z.string(), z.unknown()).nullish();

const tracingSchema = z.object({
  samplingRate: text.optional(),
  stdout: bool.optional(),
  zipkin: z.object({ endpointAddress: text.optional() }).nullish(),
  otel: z
    .object({
      endpointAddress: text.optional(),
      protocol: text.optional(),
      isSecure: bool.optional(),
      headers: z
        .union([z.array(text), z.string()])
        .optional()
        .transform((h) => (typeof h === 'string' ? h.split(',').filter(Boolean) : h)),
      timeout: text.optional(),
    })
    .nullish(),
});

const metricsSchema = z.object({
  enabled: bool.optional(),
  recordErrorCodes: bool.optional(),
  latencyDistributionBuckets: z.array(z.number().int()).nullish(),
  http: z
    .object({
      increasedCardinality: bool.optional(),
      pathMatching: strings,
      excludeVerbs: bool.optional(),
    })
    .nullish(),
  rules: z
    .array(
      z.object({
        name: text,
        labels: z.array(z.object({ name: text, regex: z.record(z.string(), text).nullish() })).nullish(),
      }),
    )
    .nullish(),
});

const secretsScopeSchema = z.object({
  storeName: text.default(''),
  defaultAccess: text
    .optional()
    .refine((v) => v === undefined || v === '' || ['allow', 'deny'].includes(v.toLowerCase()), {
      message: 'defaultAccess can be either allow or deny',
    }),
  allowedSecrets: strings,
  deniedSecrets: strings,
});

const specSchema = z.object({
  tracing: tracingSchema.nullish(),
  metrics: metricsSchema.nullish(),
  /** daprd accepts both spellings. */
  metric: metricsSchema.nullish(),
  logging: z
    .object({
      apiLogging: z
        .object({
          enabled: bool.optional(),
          obfuscateURLs: bool.optional(),
          omitHealthChecks: bool.optional(),
        })
        .nullish(),
    })
    .nullish(),
  features: z.array(z.object({ name: text, enabled: bool.default(false) })).nullish(),
  secrets: z
    .object({ scopes: z.array(secretsScopeSchema).nullish() })
    .nullish()
    .superRefine((s, ctx) => {
      const seen = new Set<string>();
      (s?.scopes ?? []).forEach((scope, i) => {
        if (seen.has(scope.storeName))
          ctx.addIssue({
            code: 'custom',
            path: ['scopes', i, 'storeName'],
            message: `${scope.storeName} storeName is repeated in secrets configuration`,
          });
        seen.add(scope.storeName);
      });
    }),
  // Parsed and kept for the building blocks that will read them.
  api: loose,
  accessControl: loose,
  mtls: loose,
  nameResolution: loose,
  components: z.object({ deny: strings }).nullish(),
  httpPipeline: loose,
  appHttpPipeline: loose,
  workflow: loose,
});

const configurationSchema = z.object({
  apiVersion: z.literal('dapr.io/v1alpha1', { message: "apiVersion must be 'dapr.io/v1alpha1'" }),
  kind: z.literal('Configuration', { message: "kind must be 'Configuration'" }),
  metadata: z.object({ name: text.optional(), namespace: text.optional() }).nullish(),
  spec: specSchema.nullish(),
});

export type ConfigurationSpec = z.output<typeof specSchema>;
export type TracingSpec = z.output<typeof tracingSchema>;
export type MetricsSpec = z.output<typeof metricsSchema>;

/** The sidecar's Configuration (`--config`), with the checkers the runtime uses. */
export interface DaprConfiguration {
  /** `metadata.name` of the last file ('' when none). */
  name: string;
  files: string[];
  spec: ConfigurationSpec;
  /** `spec.secrets.scopes` as a checker for the secrets API. */
  secretScopes: SecretScopes;
  /** `spec.metrics` (or its alias `spec.metric`). */
  metrics?: MetricsSpec;
  /** Feature names set to `enabled: true` (daprd's built-in default features are not added here). */
  enabledFeatures: string[];
}

/** The configuration of a runtime started without `--config`: everything allowed, nothing set. */
export function defaultConfiguration(): DaprConfiguration {
  return {
    name: '',
    files: [],
    spec: {} as ConfigurationSpec,
    secretScopes: allowAllSecrets,
    enabledFeatures: [],
  };
}

/** Validates one Configuration document; errors name the file and the field. */
export function parseConfiguration(file: string, source: string, env: NodeJS.ProcessEnv = process.env) {
  const docs = parseAllDocuments(expandEnv(source, env));
  const first = Array.isArray(docs) ? docs[0] : docs;
  if (!first) throw new ResourceError(file, 'Configuration', '', 'the file is empty');
  if (first.errors.length > 0)
    throw new ResourceError(
      file,
      'Configuration',
      '',
      `invalid YAML: ${first.errors[0].message.split('\n')[0]}`,
    );
  const js = first.toJS() as unknown;
  const name = String((js as { metadata?: { name?: unknown } } | null)?.metadata?.name ?? '');
  const parsed = configurationSchema.safeParse(js);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[');
    throw new ResourceError(file, `Configuration "${name || '(unnamed)'}"`, field, issue.message);
  }
  return parsed.data;
}

/**
 * Loads `--config` file(s) as daprd does: `${VAR}` expanded, then each file applied over the
 * previous ones (a later file's spec section replaces the earlier one). No file: the default.
 * Either way the `OTEL_EXPORTER_OTLP_*` variables can turn OTLP tracing on (see otel-env.ts).
 */
export async function loadConfiguration(
  files: string | string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DaprConfiguration> {
  const list = (Array.isArray(files) ? files : files ? [files] : []).filter(Boolean);
  if (list.length === 0) {
    const tracing = tracingFromEnv(undefined, env);
    return tracing ? { ...defaultConfiguration(), spec: { tracing } } : defaultConfiguration();
  }
  let spec: Record<string, unknown> = {};
  let name = '';
  for (const file of list) {
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (err) {
      throw new ResourceError(file, 'Configuration', '', `cannot read the file: ${(err as Error).message}`);
    }
    const doc = parseConfiguration(file, source, env);
    name = doc.metadata?.name ?? name;
    const next = Object.fromEntries(
      Object.entries(doc.spec ?? {}).filter(([, v]) => v !== undefined && v !== null),
    );
    spec = { ...spec, ...next };
  }
  spec.tracing = tracingFromEnv(spec.tracing as TracingSpec | undefined, env);
  return configurationOf(name, list, spec as ConfigurationSpec);
}

function configurationOf(name: string, files: string[], spec: ConfigurationSpec): DaprConfiguration {
  return {
    name,
    files,
    spec,
    secretScopes: secretScopes(spec.secrets?.scopes ?? []),
    metrics: metricsOf(spec),
    enabledFeatures: (spec.features ?? []).filter((f) => f.enabled).map((f) => f.name),
  };
}

/**
 * `spec.metric` with `spec.metrics` laid over it field by field, as daprd merges the two spellings
 * (a `metrics` field that is set wins; an empty `metrics.rules` list does not replace `metric`'s).
 */
function metricsOf(spec: ConfigurationSpec): MetricsSpec | undefined {
  const base = spec.metric ?? undefined;
  const over = spec.metrics ?? undefined;
  if (!over) return base;
  const set = Object.fromEntries(
    Object.entries(over).filter(
      ([k, v]) => v !== undefined && v !== null && !(k === 'rules' && Array.isArray(v) && v.length === 0),
    ),
  );
  return { ...(base ?? {}), ...set } as MetricsSpec;
}
