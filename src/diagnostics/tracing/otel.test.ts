import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { currentSpan, runWithSpan } from './context.js';
import { createTracing, samplingRate } from './index.js';
import { OtelTracing } from './otel.js';
import { silentLogger } from '../logger.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE}-00f067aa0ba902b7-01`;

let tracing: OtelTracing | undefined;
afterEach(async () => tracing?.shutdown());

function make(rate: number, random = () => 0.5) {
  const exporter = new InMemorySpanExporter();
  tracing = new OtelTracing({ serviceName: 'svc', samplingRate: rate, exporters: [exporter], random });
  return { t: tracing, exporter };
}

describe('OtelTracing', () => {
  it('continues the caller trace when its traceparent is sampled, and keeps tracestate', async () => {
    const { t, exporter } = make(0);
    const span = t.startSpan('/v1.0/state/s', {
      kind: 'server',
      parent: { traceparent: PARENT, tracestate: 'a=1' },
    })!;
    expect(span.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    expect(span.tracestate).toBe('a=1');
    const child = t.startChild('get s', span, { kind: 'client', attributes: { 'db.system': 'state' } })!;
    child.end();
    span.setHttpStatus(500);
    span.end();
    await t.flush();
    const [c, s] = exporter.getFinishedSpans();
    expect(s.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(c.parentSpanContext?.spanId).toBe(s.spanContext().spanId);
    expect(c.attributes['db.system']).toBe('state');
    expect(s.status.code).toBe(2); // ERROR
    expect(s.resource.attributes['service.name']).toBe('svc');
  });

  it('an unsampled parent records nothing; no parent samples new traces at the rate', () => {
    const { t } = make(0.25, () => 0.3);
    expect(
      t.startSpan('x', { kind: 'server', parent: { traceparent: PARENT.replace(/01$/, '00') } }),
    ).toBeUndefined();
    expect(t.startSpan('x', { kind: 'server' })).toBeUndefined(); // 0.3 >= 0.25
    const { t: t2 } = make(0.25, () => 0.1);
    expect(t2.startSpan('x', { kind: 'server' })?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // An invalid traceparent is no parent: a new trace by sampling.
    expect(t2.startSpan('x', { kind: 'server', parent: { traceparent: 'garbage' } })).toBeDefined();
  });

  it('startChild never starts a root', () => {
    const { t } = make(1);
    expect(t.startChild('x', undefined, { kind: 'client' })).toBeUndefined();
  });

  it('the current span follows async work run under it', async () => {
    const { t } = make(1);
    const span = t.startSpan('x', { kind: 'server' });
    expect(currentSpan()).toBeUndefined();
    const seen = await runWithSpan(span, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentSpan();
    });
    expect(seen).toBe(span);
  });
});

describe('createTracing', () => {
  it('no tracing section, or rate 0, is tracing off', async () => {
    const logger = silentLogger();
    expect((await createTracing(undefined, { serviceName: 'a', logger })).enabled).toBe(false);
    expect((await createTracing({ samplingRate: '0' }, { serviceName: 'a', logger })).enabled).toBe(false);
    const on = await createTracing({ samplingRate: '1' }, { serviceName: 'a', logger });
    expect(on.enabled).toBe(true);
    await on.shutdown();
  });

  it('reads samplingRate as daprd: unset or invalid is 0.0001', () => {
    expect(samplingRate(undefined)).toBe(1e-4);
    expect(samplingRate('abc')).toBe(1e-4);
    expect(samplingRate('0.5')).toBe(0.5);
    expect(samplingRate('0')).toBe(0);
  });

  it('rejects an otel protocol other than http or grpc', async () => {
    await expect(
      createTracing(
        { samplingRate: '1', otel: { endpointAddress: 'x:1', protocol: 'udp', headers: undefined } },
        { serviceName: 'a', logger: silentLogger() },
      ),
    ).rejects.toThrow('invalid protocol udp provided for Otel endpoint');
  });
});
