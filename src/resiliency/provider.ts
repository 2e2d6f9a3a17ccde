/** The kinds of component a policy can target (daprd's resiliency.ComponentType). */
export type ComponentKind = 'state' | 'pubsub' | 'secretstores' | 'scheduler';

/**
 * What one call is, for the instrumentation around it (metrics labels, span names): the operation
 * (`get`, `set`, `publish`...) and, for pub/sub, the topic. Never keys or values.
 */
export interface CallInfo {
  operation: string;
  topic?: string;
  /**
   * Part of a bulk publish: traced as any call, but counted by the API as one bulk call
   * (`dapr_component_pubsub_egress_bulk_*`, as daprd) rather than as an egress per entry.
   */
  bulk?: boolean;
}

/**
 * Runs one operation under a policy: timeout (by AbortSignal), retries, circuit breaker. `call`
 * names the operation for metrics and tracing; the policy itself does not depend on it.
 */
export type PolicyRunner = <T>(
  op: (signal: AbortSignal | undefined) => Promise<T>,
  call?: CallInfo,
) => Promise<T>;

/**
 * Where every component call goes through. `outbound` covers calls the runtime makes to a
 * component; `inbound` covers deliveries from a component to the app.
 */
export interface ResiliencyProvider {
  componentOutbound(componentName: string, kind: ComponentKind): PolicyRunner;
  componentInbound(componentName: string, kind: ComponentKind): PolicyRunner;
  /** Calls to an app (job triggers; service invocation later). Optional for small fakes. */
  app?(appId: string): PolicyRunner;
}

const passThrough: PolicyRunner = (op) => op(undefined);

/** No policies: every call runs once, as is. */
export const noResiliency: ResiliencyProvider = {
  componentOutbound: () => passThrough,
  componentInbound: () => passThrough,
  app: () => passThrough,
};
