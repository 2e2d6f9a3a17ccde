import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { noResiliency } from '../resiliency/provider.js';
import { instrumentJobTrigger, tracedChannel } from './jobs.js';
import { instrumentResiliency } from './component-calls.js';
import { noMetrics } from './metrics/metrics.js';
import { PromMetrics } from './metrics/prom.js';
import { runWithSpan } from './tracing/context.js';
import { OtelTracing } from './tracing/otel.js';
import { noTracing } from './tracing/tracing.js';

function tracing() {
  const exporter = new InMemorySpanExporter();
  return { t: new OtelTracing({ serviceName: 's', samplingRate: 1, exporters: [exporter] }), exporter };
}

describe('instrumentResiliency', () => {
  it('is the provider itself when tracing and metrics are off', () => {
    expect(instrumentResiliency(noResiliency, { tracing: noTracing, metrics: noMetrics })).toBe(noResiliency);
  });

  it('a component call under an API span gets a child span and component metrics', async () => {
    const { t, exporter } = tracing();
    const metrics = new PromMetrics({ appId: 'a', namespace: '' });
    const p = instrumentResiliency(noResiliency, { tracing: t, metrics });
    const run = p.componentOutbound('store', 'state');
    expect(p.componentOutbound('store', 'state')).toBe(run); // built once per target
    const api = t.startSpan('/v1.0/state/store/k', { kind: 'server' })!;
    await runWithSpan(api, () => run(async () => 'v', { operation: 'get' }));
    await expect(
      runWithSpan(api, () => run(() => Promise.reject(new Error('boom')), { operation: 'get' })),
    ).rejects.toThrow('boom');
    // Outside any API span: measured, not traced (no orphan roots).
    await p.componentOutbound('ps', 'pubsub')(async () => undefined, {
      operation: 'publish',
      topic: 'orders',
    });
    api.end();
    await t.flush();
    const spans = exporter.getFinishedSpans();
    const children = spans.filter((s) => s.name === 'get store');
    expect(children).toHaveLength(2);
    expect(children.every((c) => c.parentSpanContext?.spanId === api.traceparent.split('-')[2])).toBe(true);
    expect(children[0].attributes).toMatchObject({
      'db.system': 'state',
      'db.name': 'store',
      'db.statement': 'get',
    });
    expect(children[1].status.code).toBe(2);
    expect(spans.some((s) => s.name.includes('publish'))).toBe(false);
    const text = await metrics.render();
    expect(text).toMatch(/dapr_component_state_count\{[^}]*operation="get",success="true"\} 1/);
    expect(text).toMatch(/dapr_component_state_count\{[^}]*operation="get",success="false"\} 1/);
    expect(text).toMatch(/dapr_component_pubsub_egress_count\{[^}]*success="true",topic="orders"\} 1/);
    await t.shutdown();
  });

  it('calls of a bulk publish are traced, but left to the API to count as one bulk call', async () => {
    const { t, exporter } = tracing();
    const metrics = new PromMetrics({ appId: 'a', namespace: '' });
    const run = instrumentResiliency(noResiliency, { tracing: t, metrics }).componentOutbound('ps', 'pubsub');
    const api = t.startSpan('/v1.0-alpha1/publish/bulk/ps/orders', { kind: 'server' })!;
    await runWithSpan(api, () =>
      run(async () => undefined, { operation: 'publish', topic: 'orders', bulk: true }),
    );
    api.end();
    await t.flush();
    expect(exporter.getFinishedSpans().filter((s) => s.name === 'orders publish')).toHaveLength(1);
    expect(await metrics.render()).not.toMatch(/dapr_component_pubsub_egress_count\{/);
    await t.shutdown();
  });
});

describe('job triggers', () => {
  it('a span per trigger, carried to the app as traceparent; success and failure counted', async () => {
    const { t, exporter } = tracing();
    const metrics = new PromMetrics({ appId: 'a', namespace: 'ns' });
    const sent: Record<string, string>[] = [];
    const channel = tracedChannel({
      request: async (req: { headers?: Record<string, string> }) => {
        sent.push(req.headers ?? {});
        return sent.length === 1 ? 'success' : 'failure';
      },
    });
    const trigger = instrumentJobTrigger(
      (_job: { name: string }) => channel.request({ headers: { 'content-type': 'application/json' } }),
      { tracing: t, metrics },
      (o) => o === 'success',
    );
    const signal = new AbortController().signal;
    await trigger({ name: 'nightly' }, signal);
    await trigger({ name: 'nightly' }, signal);
    await t.flush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['job-trigger', 'job-trigger']);
    expect(sent[0].traceparent).toBe(
      `00-${spans[0].spanContext().traceId}-${spans[0].spanContext().spanId}-01`,
    );
    expect(sent[0]['content-type']).toBe('application/json');
    const text = await metrics.render();
    expect(text).toContain(
      'dapr_component_job_success_count{app_id="a",namespace="ns",operation="job_trigger_op"} 1',
    );
    expect(text).toContain(
      'dapr_component_job_failure_count{app_id="a",namespace="ns",operation="job_trigger_op"} 1',
    );
    await t.shutdown();
  });
});
