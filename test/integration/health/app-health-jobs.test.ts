import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { postJson, sleep } from '../../helpers/dapr-http.js';
import { appHealthArgs, HealthApp, waitUntil } from '../../helpers/health-app.js';

it('app health checks: a job that falls due while the app is unhealthy is not triggered, nor lost: it fires once the app is healthy', async () => {
  await using app = await HealthApp.start({ healthy: true });
  await using p = await DaprtsProcess.start({ args: appHealthArgs(app.port, 1) });
  await waitUntil(() => p.output.includes('App entered healthy status'), 'the app to be healthy');
  app.healthy = false;
  await waitUntil(() => p.output.includes('App entered un-healthy status'), 'the app to be unhealthy');

  const res = await postJson(p, '/v1.0-alpha1/jobs/while-down', { dueTime: '1s', data: { n: 1 } });
  expect(res.status).toBe(204);
  await sleep(2500); // well past its due time
  expect(app.to('/job/while-down')).toEqual([]);
  // Still scheduled.
  expect((await p.fetch('/v1.0-alpha1/jobs/while-down')).status).toBe(200);

  app.healthy = true;
  await waitUntil(() => app.to('/job/while-down').length === 1, 'the trigger');
  expect(app.to('/job/while-down')[0]).toMatchObject({ method: 'POST', body: '{"n":1}', healthy: true });
  await sleep(500);
  expect(app.to('/job/while-down')).toHaveLength(1);
}, 30_000);
