import { expect, it } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { jobApp, until } from './job-app.js';

/** Python's `datetime.utcnow().isoformat() + "Z"` (microseconds), as the seed's reminder client sends it. */
function pythonIsoformat(ms: number, micros: string): string {
  return new Date(ms).toISOString().replace('Z', '') + micros + 'Z';
}

it('seed 003 one-time reminders (schedule = dueTime = an instant with microseconds) fire exactly once each', async () => {
  const app = await jobApp();
  await using rt = await DaprtsProcess.start({
    resources: { 'state.yaml': inMemoryStateYaml() },
    args: ['--app-port', String(app.port)],
  });
  try {
    // Several sub-millisecond parts: whether a fraction survives a round trip through the job
    // store depends on its binary representation.
    const micros = ['123', '001', '456', '789'];
    for (const m of micros) {
      const at = pythonIsoformat(Date.now() + 1000, m);
      const res = await rt.fetch(`/v1.0-alpha1/jobs/reminder-task-${m}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ schedule: at, data: { task_id: `task-${m}` }, dueTime: at }),
      });
      expect(res.status).toBe(204);
    }
    await until(() => app.calls.length >= micros.length, 5000);
    // A second (wrong) trigger follows at once: the same instant read back as a later tick.
    await new Promise((r) => setTimeout(r, 1500));
    expect(app.calls.map((c) => c.path).sort()).toEqual(micros.map((m) => `/job/reminder-task-${m}`).sort());
  } finally {
    await app.close();
  }
});
