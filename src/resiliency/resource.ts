import * as z from 'zod';
import type { RawResource } from '../resources/loader.js';
import { ResourceError } from '../resources/errors.js';

const retry = z.object({
  // daprd reads the policy name case-insensitively ("Exponential").
  policy: z
    .preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['constant', 'exponential']))
    .default('constant'),
  duration: z.string().optional(),
  maxInterval: z.string().optional(),
  maxRetries: z
    .union([
      z.number().int(),
      z
        .string()
        .regex(/^-?\d+$/)
        .transform(Number),
    ])
    .optional(),
  matching: z
    .object({ httpStatusCodes: z.string().optional(), gRPCStatusCodes: z.string().optional() })
    .optional(),
});

const circuitBreaker = z.object({
  maxRequests: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  interval: z.string().optional(),
  timeout: z.string().optional(),
  trip: z.string().optional(),
});

const targetPolicies = z.object({
  timeout: z.string().optional(),
  retry: z.string().optional(),
  circuitBreaker: z.string().optional(),
});

export const resiliencySchema = z.object({
  apiVersion: z.literal('dapr.io/v1alpha1', { message: "apiVersion must be 'dapr.io/v1alpha1'" }),
  kind: z.literal('Resiliency'),
  metadata: z.object({ name: z.string().min(1), namespace: z.string().optional() }),
  spec: z.object({
    policies: z
      .object({
        timeouts: z.record(z.string(), z.string()).optional(),
        retries: z.record(z.string(), retry).optional(),
        circuitBreakers: z.record(z.string(), circuitBreaker).optional(),
      })
      .default({}),
    targets: z
      .object({
        apps: z
          .record(z.string(), targetPolicies.extend({ circuitBreakerCacheSize: z.unknown().optional() }))
          .optional(),
        actors: z.record(z.string(), z.unknown()).optional(),
        components: z
          .record(
            z.string(),
            z.object({ outbound: targetPolicies.optional(), inbound: targetPolicies.optional() }),
          )
          .optional(),
      })
      .default({}),
  }),
  scopes: z.array(z.string()).nullish(),
});

export type ResiliencyResource = z.infer<typeof resiliencySchema>;
export type RetrySpec = z.infer<typeof retry>;
export type CircuitBreakerSpec = z.infer<typeof circuitBreaker>;
export type TargetPolicies = z.infer<typeof targetPolicies>;

/**
 * Validates the Resiliency documents among loaded resources (scopes were applied by the loader).
 * An invalid document throws, or with `onInvalid` is reported and left out, as daprd logs and
 * skips a resiliency file it cannot parse.
 */
export function parseResiliencies(
  raw: RawResource[],
  onInvalid?: (err: ResourceError) => void,
): ResiliencyResource[] {
  const out: ResiliencyResource[] = [];
  for (const r of raw.filter((d) => d.kind === 'Resiliency')) {
    const parsed = resiliencySchema.safeParse(r.doc);
    if (parsed.success) {
      out.push(parsed.data);
      continue;
    }
    const issue = parsed.error.issues[0];
    const err = new ResourceError(r.file, `Resiliency "${r.name}"`, issue.path.join('.'), issue.message);
    if (!onInvalid) throw err;
    onInvalid(err);
  }
  return out;
}
