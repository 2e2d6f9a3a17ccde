import { stringify } from 'yaml';

/** A retry policy as a Resiliency document writes it (durations as strings: `20ms`, or `"20"` for ms). */
export interface RetryPolicy {
  policy: 'constant' | 'exponential';
  duration?: string;
  maxInterval?: string;
  maxRetries?: number;
  matching?: { httpStatusCodes?: string; gRPCStatusCodes?: string };
}

export interface CircuitBreakerPolicy {
  maxRequests?: number;
  interval?: string;
  timeout?: string;
  trip: string;
}

/** The policy names a target uses. */
export interface TargetPolicies {
  timeout?: string;
  retry?: string;
  circuitBreaker?: string;
}

export interface ResiliencySpec {
  /** `metadata.name`. */
  name: string;
  timeouts?: Record<string, string>;
  retries?: Record<string, RetryPolicy>;
  circuitBreakers?: Record<string, CircuitBreakerPolicy>;
  /** `targets.components.<component>.{inbound,outbound}`. */
  components?: Record<string, { inbound?: TargetPolicies; outbound?: TargetPolicies }>;
  /** `targets.apps.<appId>`. */
  apps?: Record<string, TargetPolicies>;
}

/**
 * A `kind: Resiliency` document. Sections left out of `spec` are not written (a document may carry
 * only policies, or only targets).
 */
export function resiliencyYaml(spec: ResiliencySpec): string {
  const { name, timeouts, retries, circuitBreakers, components, apps } = spec;
  const policies = { timeouts, retries, circuitBreakers };
  const targets = { components, apps };
  const some = (o: object) => Object.values(o).some((v) => v !== undefined);
  return stringify({
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Resiliency',
    metadata: { name },
    spec: {
      ...(some(policies) ? { policies } : {}),
      ...(some(targets) ? { targets } : {}),
    },
  });
}

/**
 * The common case: one constant retry policy `policyName` applied to the inbound deliveries of the
 * `pubsub` component.
 */
export function pubsubInboundRetryYaml(
  name: string,
  policyName: string,
  retry: { duration: string; maxRetries: number; matching?: RetryPolicy['matching'] },
): string {
  return resiliencyYaml({
    name,
    retries: { [policyName]: { policy: 'constant', ...retry } },
    components: { pubsub: { inbound: { retry: policyName } } },
  });
}
