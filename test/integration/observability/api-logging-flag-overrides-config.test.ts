import { expect, it } from 'vitest';
import { startWithStateStore } from '../../helpers/dapr-http.js';
import { resourceDir } from '../../helpers/resources.js';
import { configurationYaml } from './helpers.js';

// daprd: --enable-api-logging, when given (true or false), wins over logging.apiLogging.enabled.
it('--enable-api-logging=false turns off API logging that the Configuration enables', async () => {
  using cfg = resourceDir({ 'config.yaml': configurationYaml('logging:\n  apiLogging:\n    enabled: true') });
  await using off = await startWithStateStore({
    appId: 'apilog-off',
    args: ['--log-as-json', '--config', `${cfg.dir}/config.yaml`, '--enable-api-logging=false'],
  });
  await off.fetch('/v1.0/state/statestore/k');
  await off.stop();
  expect(off.output).not.toContain('HTTP API Called');

  await using on = await startWithStateStore({
    appId: 'apilog-on',
    args: ['--log-as-json', '--config', `${cfg.dir}/config.yaml`],
  });
  await on.fetch('/v1.0/state/statestore/k');
  await on.stop();
  expect(on.output).toContain('HTTP API Called');
});
