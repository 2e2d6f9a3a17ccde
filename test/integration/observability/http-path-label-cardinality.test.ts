import { expect, it } from 'vitest';
import { freePort } from '../../helpers/daprts-process.js';
import { getState, startWithStateStore } from '../../helpers/dapr-http.js';
import { resourceDir } from '../../helpers/resources.js';
import { configurationYaml, sampleValue, scrape } from './helpers.js';

// daprd's `path` label: with metrics.http.increasedCardinality false and no pathMatching it is
// empty; pathMatching patterns name the paths they match.
it('increasedCardinality false empties the path label; pathMatching patterns still name their paths', async () => {
  using cfg = resourceDir({
    'config.yaml': configurationYaml(`metrics:
  http:
    increasedCardinality: false
    pathMatching: ["/v1.0/state/statestore/{key}"]`),
  });
  const metricsPort = await freePort();
  await using p = await startWithStateStore({
    appId: 'lowcard',
    args: ['--metrics-port', String(metricsPort), '--config', `${cfg.dir}/config.yaml`],
  });
  expect((await getState(p, 'customer-1')).status).toBe(204);
  expect((await p.fetch('/v1.0/metadata')).status).toBe(200);
  const { samples } = await scrape(metricsPort);
  const count = (labels: Record<string, string>) =>
    sampleValue(samples, 'dapr_http_server_request_count', { app_id: 'lowcard', ...labels });
  expect(count({ method: 'GET', path: '/v1.0/state/statestore/{key}', status: '204' })).toBe(1);
  expect(count({ method: 'GET', path: '', status: '200' })).toBeGreaterThanOrEqual(1);
  expect(samples.some((s) => s.labels.path === '/v1.0/metadata')).toBe(false);
});
