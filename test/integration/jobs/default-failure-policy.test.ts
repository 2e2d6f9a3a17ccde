import { expect, it } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { jobApp, until } from './job-app.js';

it('with no failure policy an always-failing app is called 4 times in all, never a 5th', async () => {
  const app = await jobApp(() => 500);
  await using rt = await DaprtsProcess.start({
    resources: { 'state.yaml': inMemoryStateYaml() },
    args: ['--app-port', String(app.port)],
  });
  try {
    const res = await rt.fetch('/v1.0/jobs/always-fails', {
      method: 'POST',
      body: JSON.stringify({ dueTime: '0s', data: 1 }),
    });
    expect(res.status).toBe(204);
    await until(() => app.calls.length >= 4, 8000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(app.calls).toHaveLength(4);
    // constant 1 s between the attempts
    expect(app.calls[3].at - app.calls[0].at).toBeGreaterThanOrEqual(2700);
  } finally {
    await app.close();
  }
}, 20_000);
