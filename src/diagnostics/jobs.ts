import type { Metrics } from './metrics/metrics.js';
import { currentSpan, runWithSpan } from './tracing/context.js';
import type { Tracing } from './tracing/tracing.js';

/** The part of an app channel a trigger uses: one request with optional headers. */
export interface HeaderCarrier {
  headers?: Record<string, string>;
}

/**
 * An app channel that adds the current span's `traceparent`/`tracestate` to each request that has
 * none (job triggers run their call inside the trigger's span).
 */
export function tracedChannel<R extends HeaderCarrier, S>(channel: {
  request(req: R): Promise<S>;
}): {
  request(req: R): Promise<S>;
} {
  return {
    request(req: R): Promise<S> {
      const span = currentSpan();
      if (!span || req.headers?.traceparent) return channel.request(req);
      const headers: Record<string, string> = { ...req.headers, traceparent: span.traceparent };
      if (span.tracestate) headers.tracestate = span.tracestate;
      return channel.request({ ...req, headers });
    },
  };
}

/**
 * Wraps a job trigger: a span per trigger (a new trace, sampled at the configured rate) that the
 * call to the app carries as `traceparent` (through {@link tracedChannel}), and daprd's job metrics
 * (`dapr_component_job_success_count` / `_failure_count` / `_latencies`). A trigger that throws
 * counts as a failure.
 */
export function instrumentJobTrigger<J extends { name: string }, O>(
  trigger: (job: J, signal: AbortSignal) => Promise<O>,
  obs: { tracing: Tracing; metrics: Metrics },
  isSuccess: (outcome: O) => boolean,
): (job: J, signal: AbortSignal) => Promise<O> {
  const { tracing, metrics } = obs;
  if (!tracing.enabled && !metrics.enabled) return trigger;
  return async (job, signal) => {
    const span = tracing.startSpan('job-trigger', {
      kind: 'client',
      attributes: { 'dapr.job.name': job.name, 'rpc.service': 'AppCallback', 'rpc.method': 'OnJobEvent' },
    });
    const started = performance.now();
    let ok = false;
    try {
      const outcome = await runWithSpan(span, () => trigger(job, signal));
      ok = isSuccess(outcome);
      if (!ok) span?.recordError(new Error('the app did not accept the job'));
      return outcome;
    } catch (err) {
      span?.recordError(err);
      throw err;
    } finally {
      metrics.jobTriggered(ok, performance.now() - started);
      span?.end();
    }
  };
}
