import { expect, it } from 'vitest';
import { resourceDir } from '../../helpers/resources.js';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { configurationYaml } from './helpers.js';

// dapr-api.md §0 "Tracing headers": traceparent is set on responses. daprd's trace middleware is
// on unless the sampling rate is 0 (no Configuration means the 1e-4 default), and it adds the
// span's context to every API response but health checks, sampled or not.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE_ID}-00f067aa0ba902b7-00`;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

async function get(p: DaprtsProcess, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${p.httpPort}${path}`, { headers });
  await res.arrayBuffer();
  return res.headers;
}

it('without a Configuration an API response carries a traceparent: the caller trace continued, else a new one', async () => {
  await using p = await DaprtsProcess.start({ appId: 'tp' });
  const fresh = await get(p, '/v1.0/state/statestore/k');
  expect(fresh.get('traceparent')).toMatch(TRACEPARENT);
  expect(fresh.get('traceparent')!.endsWith('-00')).toBe(true);

  const child = await get(p, '/v1.0/state/statestore/k', {
    traceparent: PARENT,
    tracestate: 'congo=t61rcWkgMzE',
  });
  const [, traceId, spanId, flags] = child.get('traceparent')!.split('-');
  expect(traceId).toBe(TRACE_ID);
  expect(spanId).not.toBe('00f067aa0ba902b7');
  expect(flags).toBe('00');
  expect(child.get('tracestate')).toBe('congo=t61rcWkgMzE');

  // Health checks are left out, as daprd's middleware skips them.
  expect((await get(p, '/v1.0/healthz')).get('traceparent')).toBeNull();
});

it('with samplingRate "0" there is no trace middleware: no traceparent on responses', async () => {
  using cfg = resourceDir({ 'config.yaml': configurationYaml('tracing:\n  samplingRate: "0"') });
  await using p = await DaprtsProcess.start({ appId: 'tp0', args: ['--config', `${cfg.dir}/config.yaml`] });
  expect((await get(p, '/v1.0/state/statestore/k', { traceparent: PARENT })).get('traceparent')).toBeNull();
});
