import { expect, it } from 'vitest';
import { startWithStateStore } from '../../helpers/dapr-http.js';
import { resourceDir } from '../../helpers/resources.js';
import { configurationYaml } from './helpers.js';

const DAPR_FIELDS = ['app_id', 'instance', 'level', 'msg', 'scope', 'time', 'type', 'ver'];

it("--log-as-json writes daprd's fields on every line", async () => {
  await using p = await startWithStateStore({ appId: 'jsonlog', args: ['--log-as-json'] });
  await p.stop();
  const lines = p.output.split('\n').filter((l) => l.trim() !== '');
  expect(lines.length).toBeGreaterThan(2);
  for (const line of lines) {
    const rec = JSON.parse(line) as Record<string, unknown>;
    for (const f of DAPR_FIELDS) expect(rec, line).toHaveProperty(f);
    expect(rec.type).toBe('log');
    expect(rec.app_id).toBe('jsonlog');
    expect(['debug', 'info', 'warning', 'error', 'fatal']).toContain(rec.level);
    expect(String(rec.scope)).toMatch(/^dapr\./);
    expect(Number.isNaN(Date.parse(String(rec.time)))).toBe(false);
    // A field name appears once per line (no shadowed duplicates).
    let top = line.slice(1, -1);
    for (let prev = ''; prev !== top;) [prev, top] = [top, top.replace(/\{[^{}]*\}/g, '{}')];
    const keys = [...top.matchAll(/"([^"]+)":/g)].map((m) => m[1]).filter((k) => DAPR_FIELDS.includes(k));
    expect(new Set(keys).size, line).toBe(keys.length);
  }
});

it('text logs are readable lines; --log-level warn keeps info lines out', async () => {
  await using p = await startWithStateStore({ appId: 'textlog', args: ['--log-level', 'warn'] });
  await p.fetch('/v1.0/state/statestore/k');
  await p.stop();
  expect(p.output).not.toContain('dapr initialized');
  await using q = await startWithStateStore({ appId: 'textlog' });
  await q.stop();
  const line = q.output.split('\n').find((l) => l.includes('dapr initialized'));
  expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+ INFO +\[textlog\] dapr\.runtime: dapr initialized/);
});

it('logging.apiLogging in the Configuration: obfuscated URLs (route templates) and no health checks', async () => {
  using cfg = resourceDir({
    'config.yaml': configurationYaml(`logging:
  apiLogging:
    enabled: true
    obfuscateURLs: true
    omitHealthChecks: true`),
  });
  await using p = await startWithStateStore({
    appId: 'obfuscated',
    args: ['--log-as-json', '--config', `${cfg.dir}/config.yaml`],
  });
  await p.fetch('/v1.0/state/statestore/user-42@example.com');
  await p.fetch('/v1.0/healthz');
  await p.stop();
  const calls = p.output
    .split('\n')
    .filter((l) => l.includes('HTTP API Called'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(calls.map((c) => [c.method, c.code])).toEqual([['GET /v1.0/state/{storeName}/{key}', 204]]);
  expect(p.output).not.toContain('user-42@example.com');
});
