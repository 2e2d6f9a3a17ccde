import { expect, it } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { OtlpReceiver } from './helpers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

// docs.dapr.io "Configure tracing" → "Environment variables": OTEL_EXPORTER_OTLP_ENDPOINT turns
// tracing on for the sidecar, no Configuration needed (daprd samples every request then).
it('OTEL_EXPORTER_OTLP_ENDPOINT alone turns on tracing to that collector', async () => {
  await using receiver = await OtlpReceiver.start();
  await using p = await DaprtsProcess.start({
    appId: 'otelenv',
    resources: { 'statestore.yaml': inMemoryStateYaml() },
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${receiver.endpoint}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_INSECURE: 'true',
    },
  });
  const save = await p.fetch('/v1.0/state/statestore', {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    body: JSON.stringify([{ key: 'k', value: 1 }]),
  });
  expect(save.status).toBe(204);
  expect(save.headers.get('traceparent')).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  await receiver.waitForSpans(1);
  expect(receiver.spans.some((s) => s.traceId === TRACE_ID && s.service === 'otelenv')).toBe(true);
});
