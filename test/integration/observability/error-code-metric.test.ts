import { expect, it } from 'vitest';
import { freePort } from '../../helpers/daprts-process.js';
import { expectDaprError, getState, startWithStateStore } from '../../helpers/dapr-http.js';
import { resourceDir } from '../../helpers/resources.js';
import { configurationYaml, scrape, sampleValue } from './helpers.js';

it('dapr_error_code_total counts an unknown-store request when recordErrorCodes is on', async () => {
  const metricsPort = await freePort();
  using cfg = resourceDir({ 'config.yaml': configurationYaml('metrics:\n  recordErrorCodes: true') });
  await using p = await startWithStateStore({
    appId: 'errs',
    args: ['--metrics-port', String(metricsPort), '--config', `${cfg.dir}/config.yaml`],
  });
  const labels = { app_id: 'errs', category: 'state', error_code: 'ERR_STATE_STORE_NOT_FOUND' };
  expect(sampleValue((await scrape(metricsPort)).samples, 'dapr_error_code_total', labels)).toBe(0);
  await expectDaprError(await getState(p, 'k', 'no-such-store'), 400, 'ERR_STATE_STORE_NOT_FOUND');
  await expectDaprError(await getState(p, 'k', 'no-such-store'), 400, 'ERR_STATE_STORE_NOT_FOUND');
  const after = await scrape(metricsPort);
  expect(after.types.dapr_error_code_total).toBe('counter');
  expect(sampleValue(after.samples, 'dapr_error_code_total', labels)).toBe(2);
  expect(
    sampleValue(after.samples, 'dapr_http_server_request_count', {
      path: '/v1.0/state/no-such-store',
      status: '400',
    }),
  ).toBe(2);
});

it('without recordErrorCodes (daprd default) there is no dapr_error_code_total', async () => {
  const metricsPort = await freePort();
  await using p = await startWithStateStore({
    appId: 'errs2',
    args: ['--metrics-port', String(metricsPort)],
  });
  await expectDaprError(await getState(p, 'k', 'no-such-store'), 400, 'ERR_STATE_STORE_NOT_FOUND');
  const after = await scrape(metricsPort);
  expect(after.samples.some((s) => s.name === 'dapr_error_code_total')).toBe(false);
});
