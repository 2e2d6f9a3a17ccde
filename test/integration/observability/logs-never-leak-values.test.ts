import { expect, it } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { componentYaml } from '../../helpers/resources.js';

const STATE_VALUE = 'state-value-7f3a9c-never-logged';
const SECRET_VALUE = 'secret-value-b81e44-never-logged';

it('API logging (and debug logs) never contain a saved state value or a secret value', async () => {
  await using p = await DaprtsProcess.start({
    appId: 'quiet',
    resources: {
      'statestore.yaml': inMemoryStateYaml(),
      'secrets.yaml': componentYaml({ name: 'envsecrets', type: 'secretstores.local.env' }),
    },
    args: ['--enable-api-logging', '--log-level', 'debug', '--log-as-json'],
    env: { OBS_TEST_SECRET: SECRET_VALUE },
  });
  const save = await p.fetch('/v1.0/state/statestore?metadata.ttlInSeconds=60', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ key: 'k1', value: STATE_VALUE }]),
  });
  expect(save.status).toBe(204);
  const get = await p.fetch('/v1.0/state/statestore/k1');
  expect(await get.text()).toBe(JSON.stringify(STATE_VALUE));
  const secret = await p.fetch('/v1.0/secrets/envsecrets/OBS_TEST_SECRET');
  expect(await secret.json()).toEqual({ OBS_TEST_SECRET: SECRET_VALUE });
  // A failing write of the same value (bad etag) logs an error path too.
  await p.fetch('/v1.0/state/statestore', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ key: 'k1', value: STATE_VALUE, etag: 'not-a-number' }]),
  });
  await p.fetch('/v1.0/healthz');
  await p.stop();

  const lines = p.output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  // (The helper's start-up polls of /v1.0/healthz/outbound are logged too.)
  const calls = lines.filter((l) => l.msg === 'HTTP API Called' && l.method !== 'GET /v1.0/healthz/outbound');
  expect(calls.map((c) => c.method)).toEqual([
    'POST /v1.0/state/statestore',
    'GET /v1.0/state/statestore/k1',
    'GET /v1.0/secrets/envsecrets/OBS_TEST_SECRET',
    'POST /v1.0/state/statestore',
    'GET /v1.0/healthz',
  ]);
  expect(calls.map((c) => c.code)).toEqual([204, 200, 200, 409, 204]);
  for (const c of calls) {
    expect(c.scope).toBe('dapr.runtime.http-info');
    expect(typeof c.duration).toBe('number');
  }
  expect(p.output).not.toContain(STATE_VALUE);
  expect(p.output).not.toContain(SECRET_VALUE);
  // Query strings (which carry metadata) are not logged either.
  expect(p.output).not.toContain('ttlInSeconds=60');
});
