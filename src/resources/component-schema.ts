import * as z from 'zod';

/** One `spec.metadata` entry: exactly one of value / envRef / secretKeyRef (value may be any scalar). */
const metadataItem = z
  .object({
    name: z.string().min(1, 'metadata item needs a name'),
    value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    envRef: z.string().min(1).optional(),
    secretKeyRef: z
      .object({ name: z.string().min(1, 'secretKeyRef needs a name'), key: z.string().optional() })
      .optional(),
  })
  .refine(
    (m) =>
      [m.value !== undefined, m.envRef !== undefined, m.secretKeyRef !== undefined].filter(Boolean).length <=
      1,
    {
      message: 'only one of value, envRef and secretKeyRef may be set',
    },
  );

export type ComponentMetadataItem = z.infer<typeof metadataItem>;

const resourceName = z
  .string()
  .min(1, 'a name is required')
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/,
    'must be a valid name (letters, digits, ".", "_", "-")',
  );

/** Component resource (`dapr.io/v1alpha1`). Keys are matched case-insensitively before parsing. */
export const componentSchema = z.object({
  apiVersion: z.literal('dapr.io/v1alpha1', { message: "apiVersion must be 'dapr.io/v1alpha1'" }),
  kind: z.literal('Component'),
  metadata: z.object({ name: resourceName, namespace: z.string().optional() }),
  auth: z.object({ secretStore: z.string().optional() }).optional(),
  spec: z.object({
    type: z
      .string({ message: 'spec.type is required' })
      .regex(/^[a-z0-9]+\.[A-Za-z0-9._-]+$/, 'must be "<category>.<name>", e.g. state.postgresql'),
    version: z.string({ message: 'spec.version is required' }).min(1, 'spec.version is required'),
    initTimeout: z.string().optional(),
    ignoreErrors: z.union([z.boolean(), z.string().transform((s) => s.toLowerCase() === 'true')]).optional(),
    metadata: z.array(metadataItem).nullish(),
  }),
  scopes: z.array(z.string()).nullish(),
});

export type ComponentResource = z.infer<typeof componentSchema>;
