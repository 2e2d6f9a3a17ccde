import { expect, it } from 'vitest';
import { freePort } from '../../helpers/daprts-process.js';
import { getState, startWithStateStore } from '../../helpers/dapr-http.js';
import { resourceDir } from '../../helpers/resources.js';
import { configurationYaml, sampleValue, scrape } from './helpers.js';

// docs.dapr.io "Configure metrics" → "Transform metrics with regular expressions": a rule names a
// metric and rewrites a label's values that match a regex to the rule's key.
it('metrics.rules rewrite the label values of the metric they name', async () => {
  using cfg = resourceDir({
    'config.yaml': configurationYaml(`metrics:
  enabled: true
  rules:
    - name: dapr_http_server_request_count
      labels:
        - name: path
          regex:
            "/v1.0/state/{store}": "^/v1.0/state/.+"`),
  });
  const metricsPort = await freePort();
  await using p = await startWithStateStore({
    appId: 'rules',
    args: ['--metrics-port', String(metricsPort), '--config', `${cfg.dir}/config.yaml`],
  });
  expect((await getState(p, 'customer-1')).status).toBe(204);
  const { samples } = await scrape(metricsPort);
  const labels = { app_id: 'rules', method: 'GET', status: '204' };
  expect(
    sampleValue(samples, 'dapr_http_server_request_count', { ...labels, path: '/v1.0/state/{store}' }),
  ).toBe(1);
  // Only the metric the rule names is rewritten.
  expect(
    sampleValue(samples, 'dapr_http_server_response_count', { ...labels, path: '/v1.0/state/statestore' }),
  ).toBe(1);
});
