import { parseDurationMs } from '../components/common/metadata.js';
import { breakerPolicy, CircuitBreaker, type BreakerPolicy, type BreakerState } from './breaker.js';
import { realClock, type ResiliencyClock } from './clock.js';
import type { ComponentKind, PolicyRunner, ResiliencyProvider } from './provider.js';
import type { ResiliencyResource, TargetPolicies } from './resource.js';
import { BUILT_IN_RETRIES, retryPolicy, type RetryPolicy } from './retry.js';
import { policyRunner, type PolicyDef } from './runner.js';

export { TimeoutError, type PolicyDef } from './runner.js';

export interface ResiliencyPoliciesOptions {
  /** Time source of timeouts, back-off and breakers (default: real time). */
  clock?: ResiliencyClock;
  /** Injectable sleep (kept for callers that only fake the back-off); `clock.sleep` otherwise. */
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { target: string; attempt: number; delayMs: number; err: unknown }) => void;
  /** A breaker changed state (logged by the runtime, as daprd logs it). */
  onBreakerStateChange?: (info: { breaker: string; from: BreakerState; to: BreakerState }) => void;
}

type Direction = 'Inbound' | 'Outbound';

const KIND_NAME: Record<ComponentKind, string> = {
  state: 'Statestore',
  pubsub: 'Pubsub',
  secretstores: 'Secretstore',
  scheduler: 'Scheduler',
};

/**
 * Policies from Resiliency resources, resolved as daprd resolves them: a target listed under
 * `targets` uses exactly the policies it names (no defaults mixed in); a target that is not listed
 * uses the most specific reserved default of each kind (`DefaultPubsubComponentInboundRetryPolicy`,
 * `DefaultComponentInboundRetryPolicy`, `DefaultComponentRetryPolicy`, `DefaultRetryPolicy`; same
 * for `Timeout` and `CircuitBreaker`). Runners (and their breaker instances) are built once per target.
 */
export class ResiliencyPolicies implements ResiliencyProvider {
  private readonly timeouts = new Map<string, number>();
  private readonly retries = new Map<string, RetryPolicy>();
  private readonly breakers = new Map<string, BreakerPolicy>();
  private readonly components = new Map<string, { outbound?: TargetPolicies; inbound?: TargetPolicies }>();
  private readonly apps = new Map<string, TargetPolicies>();
  private readonly runners = new Map<string, PolicyRunner>();
  private readonly clock: ResiliencyClock;

  constructor(
    resources: ResiliencyResource[],
    private readonly opts: ResiliencyPoliciesOptions = {},
  ) {
    const base = opts.clock ?? realClock;
    this.clock = opts.sleep ? { ...base, sleep: opts.sleep } : base;
    for (const r of resources) {
      const where = `Resiliency "${r.metadata.name}"`;
      for (const [name, text] of Object.entries(r.spec.policies.timeouts ?? {})) {
        const ms = parseDurationMs(text);
        if (ms === undefined) throw new Error(`${where}: timeout ${name} '${text}' is not a duration`);
        this.timeouts.set(name, ms);
      }
      for (const [name, spec] of Object.entries(r.spec.policies.retries ?? {})) {
        const p = retryPolicy(spec, `${where}: retry ${name}`);
        // Built-in retries can be redefined, not weakened below three retries.
        if (name in BUILT_IN_RETRIES && p.maxRetries >= 0 && p.maxRetries < 3) p.maxRetries = 3;
        this.retries.set(name, p);
      }
      for (const [name, spec] of Object.entries(r.spec.policies.circuitBreakers ?? {}))
        this.breakers.set(name, breakerPolicy(name, spec, `${where}: circuitBreaker ${name}`));
    }
    for (const [name, p] of Object.entries(BUILT_IN_RETRIES))
      if (!this.retries.has(name)) this.retries.set(name, p);
    // Targets may name policies defined in another Resiliency document: checked once all are read.
    for (const r of resources) {
      for (const [name, t] of Object.entries(r.spec.targets.components ?? {})) {
        this.checkReferences(r.metadata.name, t.inbound, `components.${name}.inbound`);
        this.checkReferences(r.metadata.name, t.outbound, `components.${name}.outbound`);
        this.components.set(name, t);
      }
      for (const [name, t] of Object.entries(r.spec.targets.apps ?? {})) {
        this.checkReferences(r.metadata.name, t, `apps.${name}`);
        this.apps.set(name, t);
      }
    }
  }

  componentOutbound(name: string, kind: ComponentKind): PolicyRunner {
    return this.component(name, kind, 'Outbound');
  }

  componentInbound(name: string, kind: ComponentKind): PolicyRunner {
    return this.component(name, kind, 'Inbound');
  }

  /** The policy for calls to an app (`targets.apps.<id>`, else the `DefaultApp*` policies). */
  app(appId: string): PolicyRunner {
    const key = `app\u0000${appId}`;
    let run = this.runners.get(key);
    if (!run) {
      const listed = this.apps.get(appId);
      const names = listed ?? this.defaults(['App']);
      run = policyRunner(`app ${appId}`, this.define(names, appId), this.hooks());
      this.runners.set(key, run);
    }
    return run;
  }

  /** A built-in retry (`DaprBuiltInInitializationRetries`...), possibly redefined by a Resiliency. */
  builtIn(name: keyof typeof BUILT_IN_RETRIES): PolicyRunner {
    return policyRunner(name, { retry: this.retries.get(name) }, this.hooks());
  }

  private component(name: string, kind: ComponentKind, dir: Direction): PolicyRunner {
    const key = `${kind}\u0000${name}\u0000${dir}`;
    let run = this.runners.get(key);
    if (!run) {
      const listed = this.components.get(name);
      const names = listed
        ? ((dir === 'Inbound' ? listed.inbound : listed.outbound) ?? {})
        : this.defaults([`${KIND_NAME[kind]}Component${dir}`, `Component${dir}`, 'Component']);
      const target = `component ${name} ${dir.toLowerCase()}`;
      run = policyRunner(target, this.define(names, `${name}-${dir.toLowerCase()}`), this.hooks());
      this.runners.set(key, run);
    }
    return run;
  }

  /** The reserved default policy names that exist, most specific level first. */
  private defaults(levels: string[]): TargetPolicies {
    const pick = (what: 'Retry' | 'Timeout' | 'CircuitBreaker', map: Map<string, unknown>) =>
      [...levels, ''].map((l) => `Default${l}${what}Policy`).find((n) => map.has(n));
    return {
      retry: pick('Retry', this.retries),
      timeout: pick('Timeout', this.timeouts),
      circuitBreaker: pick('CircuitBreaker', this.breakers),
    };
  }

  private define(names: TargetPolicies, instance: string): PolicyDef {
    const cb = names.circuitBreaker ? this.breakers.get(names.circuitBreaker) : undefined;
    return {
      timeoutMs: names.timeout ? this.timeouts.get(names.timeout) : undefined,
      retry: names.retry ? this.retries.get(names.retry) : undefined,
      breaker: cb
        ? new CircuitBreaker(
            `${cb.name}-${instance}`,
            cb,
            () => this.clock.now(),
            (breaker, from, to) => this.opts.onBreakerStateChange?.({ breaker, from, to }),
          )
        : undefined,
    };
  }

  private hooks() {
    return { clock: this.clock, onRetry: this.opts.onRetry };
  }

  private checkReferences(resource: string, t: TargetPolicies | undefined, name: string): void {
    if (!t) return;
    const where = `Resiliency "${resource}": target ${name}`;
    if (t.retry && !this.retries.has(t.retry))
      throw new Error(`${where} uses retry policy '${t.retry}', which is not defined`);
    if (t.timeout && !this.timeouts.has(t.timeout))
      throw new Error(`${where} uses timeout '${t.timeout}', which is not defined`);
    if (t.circuitBreaker && !this.breakers.has(t.circuitBreaker))
      throw new Error(`${where} uses circuit breaker '${t.circuitBreaker}', which is not defined`);
  }
}
