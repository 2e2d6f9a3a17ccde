import { expect, it } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { jobApp, until } from './job-app.js';

it('a job scheduled with dueTime fires once at the app with its data, then is gone', async () => {
  const app = await jobApp();
  await using rt = await DaprtsProcess.start({
    resources: { 'state.yaml': inMemoryStateYaml() },
    args: ['--app-port', String(app.port)],
  });
  try {
    const scheduled = Date.now();
    const res = await rt.fetch('/v1.0-alpha1/jobs/reminder-task-789', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dueTime: '1s', data: { task_id: 'task-789', user_id: 'user-456' } }),
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await until(() => app.calls.length >= 1, 5000);
    await new Promise((r) => setTimeout(r, 500));
    expect(app.calls).toHaveLength(1);
    expect(app.calls[0]).toMatchObject({ path: '/job/reminder-task-789', contentType: 'application/json' });
    expect(JSON.parse(app.calls[0].body)).toEqual({ task_id: 'task-789', user_id: 'user-456' });
    expect(app.calls[0].at - scheduled).toBeGreaterThanOrEqual(900);
    const after = await rt.fetch('/v1.0-alpha1/jobs/reminder-task-789');
    expect(after.status).toBe(500);
    expect(((await after.json()) as { errorCode: string }).errorCode).toBe('DAPR_SCHEDULER_GET_JOB');
  } finally {
    await app.close();
  }
});
