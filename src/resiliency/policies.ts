import { breakerPolicy, CircuitBreaker, type BreakerPolicy, type BreakerState } from './breaker.js';
import { realClock, type ResiliencyClock } from './clock.js';
import { policyDurationMs } from './duration.js';
import type { ComponentKind, PolicyRunner, ResiliencyProvider } from './provider.js';
import type { ResiliencyResource, TargetPolicies } from './resource.js';
import { BUILT_IN_RETRIES, retryPolicy, type RetryPolicy } from './retry.js';
import { policyRunner, type PolicyDef, type PolicyEvent } from './runner.js';

export { TimeoutError, type PolicyDef, type PolicyEvent } from './runner.js';

export interface ResiliencyPoliciesOptions {
  /** Time source of timeouts, back-off and breakers (default: real time). */
  clock?: ResiliencyClock;
  /** Injectable sleep (kept for callers that only fake the back-off); `clock.sleep` otherwise. */
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { target: string; attempt: number; delayMs: number; err: unknown }) => void;
  /** A call that needed retries succeeded in the end. */
  onRecovered?: (info: { target: string; attempts: number }) => void;
  /** A breaker changed state (logged by the runtime, as daprd logs it). */
  onBreakerStateChange?: (info: { breaker: string; from: BreakerState; to: BreakerState }) => void;
  /**
   * A document or reference that cannot be used. daprd does not stop for these: it logs them
   * (`error` for a document it skips, `warn` for a target naming a policy that does not exist).
   * Without this hook they throw.
   */
  onProblem?: (level: 'error' | 'warn', message: string) => void;
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
  private readonly componentBreakers = new Map<string, CircuitBreaker>();
  private observer?: (e: PolicyEvent & { resiliency: string; namespace: string }) => void;
  /** The documents read without error (`dapr_resiliency_loaded`). */
  readonly loaded: { name: string; namespace: string }[] = [];
  /**
   * The `name`/`namespace` labels of daprd's policy metrics: those of the last document it read
   * (even one it then rejected), as daprd keeps one name for all its policies.
   */
  private readonly labels = { resiliency: '', namespace: '' };
  private readonly clock: ResiliencyClock;

  constructor(
    resources: ResiliencyResource[],
    private readonly opts: ResiliencyPoliciesOptions = {},
  ) {
    const base = opts.clock ?? realClock;
    this.clock = opts.sleep ? { ...base, sleep: opts.sleep } : base;
    for (const name of Object.keys(BUILT_IN_RETRIES)) this.retries.set(name, { ...BUILT_IN_RETRIES[name] });
    const usable = resources.filter((r) => this.decodePolicies(r));
    // Targets may name policies defined in another Resiliency document: resolved once all are read.
    for (const r of usable) {
      for (const [name, t] of Object.entries(r.spec.targets.components ?? {})) {
        this.components.set(name, {
          inbound: this.known(r.metadata.name, t.inbound, `components.${name}.inbound`),
          outbound: this.known(r.metadata.name, t.outbound, `components.${name}.outbound`),
        });
      }
      for (const [name, t] of Object.entries(r.spec.targets.apps ?? {}))
        this.apps.set(name, this.known(r.metadata.name, t, `apps.${name}`) ?? {});
    }
  }

  /**
   * Reads one document's policies in daprd's order (timeouts, retries, circuit breakers). A bad
   * one ends the document as in daprd: what was read before it stays defined, its targets are
   * not applied, and the runtime goes on with the other documents.
   */
  private decodePolicies(r: ResiliencyResource): boolean {
    const where = `Resiliency "${r.metadata.name}"`;
    this.labels.resiliency = r.metadata.name;
    this.labels.namespace = r.metadata.namespace ?? '';
    try {
      for (const [name, text] of Object.entries(r.spec.policies.timeouts ?? {})) {
        const ms = policyDurationMs(text);
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
      this.loaded.push({ name: r.metadata.name, namespace: r.metadata.namespace ?? '' });
      return true;
    } catch (err) {
      if (!this.opts.onProblem) throw err;
      this.opts.onProblem(
        'error',
        `Could not read resiliency policy ${r.metadata.name}: ${(err as Error).message}`,
      );
      return false;
    }
  }

  /** Receives every policy applied or activated from now on (the runtime's metrics). */
  observe(fn: (e: PolicyEvent & { resiliency: string; namespace: string }) => void): void {
    this.observer = fn;
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
      const def = this.define(names, appId);
      def.metricsTarget = { target: `app_${appId}`, direction: 'outbound' };
      run = policyRunner(`app ${appId}`, def, this.hooks());
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
      // daprd's name for the operation in its retry logs.
      const target = `component[${name}] ${dir === 'Inbound' ? 'input' : 'output'}`;
      // daprd keeps one breaker per component, shared by its inbound and outbound calls.
      const def = this.define(names, name, this.componentBreakers);
      def.metricsTarget = {
        target: `${KIND_NAME[kind]}_${name}`,
        direction: dir === 'Inbound' ? 'inbound' : 'outbound',
      };
      run = policyRunner(target, def, this.hooks());
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

  /**
   * The policies `names` resolves to. The breaker is `<policy>-<instance>`; with `shared`, one
   * instance serves every target with the same instance name (the first policy to create it wins).
   */
  private define(names: TargetPolicies, instance: string, shared?: Map<string, CircuitBreaker>): PolicyDef {
    const cb = names.circuitBreaker ? this.breakers.get(names.circuitBreaker) : undefined;
    const timeoutMs = names.timeout ? this.timeouts.get(names.timeout) : undefined;
    let breaker = cb ? shared?.get(instance) : undefined;
    if (cb && !breaker) {
      breaker = new CircuitBreaker(
        `${cb.name}-${instance}`,
        cb,
        () => this.clock.now(),
        (name, from, to) => this.opts.onBreakerStateChange?.({ breaker: name, from, to }),
      );
      shared?.set(instance, breaker);
    }
    return {
      // A zero (or negative) timeout is no timeout, as in daprd.
      timeoutMs: timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : undefined,
      retry: names.retry ? this.retries.get(names.retry) : undefined,
      breaker,
    };
  }

  private hooks() {
    return {
      clock: this.clock,
      onRetry: this.opts.onRetry,
      onRecovered: this.opts.onRecovered,
      onPolicy: (e: PolicyEvent) => this.observer?.({ ...e, ...this.labels }),
    };
  }

  /**
   * A target's policy names, without the ones no document defines: daprd then runs the target
   * without that policy. Without `onProblem` an undefined name throws.
   */
  private known(resource: string, t: TargetPolicies | undefined, name: string): TargetPolicies | undefined {
    if (!t) return t;
    const out: TargetPolicies = { ...t };
    const check = (field: keyof TargetPolicies, what: string, map: Map<string, unknown>) => {
      const ref = t[field];
      if (!ref || map.has(ref)) return;
      const msg = `Resiliency "${resource}": target ${name} uses ${what} '${ref}', which is not defined`;
      if (!this.opts.onProblem) throw new Error(msg);
      this.opts.onProblem('warn', `${msg}; the target runs without it`);
      delete out[field];
    };
    check('retry', 'retry policy', this.retries);
    check('timeout', 'timeout', this.timeouts);
    check('circuitBreaker', 'circuit breaker', this.breakers);
    return out;
  }
}
