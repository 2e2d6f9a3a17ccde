import { expect, it } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';

it('answers job API errors as Dapr does', async () => {
  await using rt = await DaprtsProcess.start({ resources: { 'state.yaml': inMemoryStateYaml() } });
  const post = (name: string, body: unknown) =>
    rt.fetch(`/v1.0-alpha1/jobs/${name}`, { method: 'POST', body: JSON.stringify(body) });
  let res = await post('nosched', { data: 1 });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { errorCode: string }).errorCode).toBe('DAPR_SCHEDULER_SCHEDULE_EMPTY');
  res = await post('named', { name: 'named', schedule: '@every 1h' });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { errorCode: string }).errorCode).toBe('DAPR_SCHEDULER_JOB_NAME');
  expect((await post('dup', { schedule: '@every 1h' })).status).toBe(204);
  res = await post('dup', { schedule: '@every 2h' });
  expect(res.status).toBe(409);
  expect(((await res.json()) as { errorCode: string }).errorCode).toBe('DAPR_SCHEDULER_SCHEDULE_JOB');
  expect((await post('dup', { schedule: '@every 2h', overwrite: true })).status).toBe(204);
  const got = await (await rt.fetch('/v1.0-alpha1/jobs/dup')).json();
  expect(got).toMatchObject({ name: 'dup', schedule: '@every 2h' });
  expect((await rt.fetch('/v1.0-alpha1/jobs/dup', { method: 'DELETE' })).status).toBe(204);
  res = await rt.fetch('/v1.0-alpha1/jobs/dup');
  expect(res.status).toBe(500);
  expect(((await res.json()) as { errorCode: string }).errorCode).toBe('DAPR_SCHEDULER_GET_JOB');
});
