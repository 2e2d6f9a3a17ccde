import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsHarness } from './jobs-harness.js';

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
let h: JobsHarness;

beforeAll(async () => {
  h = await JobsHarness.start();
});
afterAll(async () => {
  await h.close();
});

/** Asserts Dapr's rich error body and returns it. */
async function expectError(
  res: Response,
  status: number,
  errorCode: string,
): Promise<{ message: string; details: Record<string, unknown>[] }> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  const body = (await res.json()) as {
    errorCode: string;
    message: string;
    details: Record<string, unknown>[];
  };
  expect(body.errorCode).toBe(errorCode);
  expect(body.details).toHaveLength(1);
  expect(body.details[0]).toMatchObject({ '@type': ERROR_INFO, domain: 'dapr.io', reason: errorCode });
  return body;
}

describe('POST/GET/DELETE /v1.0-alpha1/jobs/{name} and /v1.0/jobs/{name}', () => {
  it('schedules with 204 and an empty body on both paths, and GET renders protojson', async () => {
    for (const base of ['/v1.0/jobs', '/v1.0-alpha1/jobs']) {
      const res = await h.post(
        `${base}/fields`,
        `{"schedule": "@every 1m", "repeats": 123, "dueTime": "1000s", "ttl": "123s", "data": "hello world",
          "failure_policy": {"constant": {"interval": "3s", "max_retries": 5}}, "overwrite": true}`,
      );
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      const got = await h.get(`${base}/fields`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/json');
      expect(await got.text()).toBe(
        JSON.stringify({
          name: 'fields',
          schedule: '@every 1m',
          repeats: 123,
          dueTime: '1000s',
          ttl: '123s',
          data: { '@type': 'type.googleapis.com/google.protobuf.Value', value: 'hello world' },
          failurePolicy: { constant: { interval: '3s', maxRetries: 5 } },
        }),
      );
    }
  });

  it("shows Dapr's default failure policy, drop, and data of any JSON type", async () => {
    await h.post(
      '/v1.0/jobs/defaults',
      '{"schedule": "@daily", "data": {"task_id": "task-789", "n": [1, 2.5, null]}}',
    );
    expect(await (await h.get('/v1.0/jobs/defaults')).json()).toEqual({
      name: 'defaults',
      schedule: '@daily',
      data: {
        '@type': 'type.googleapis.com/google.protobuf.Value',
        value: { task_id: 'task-789', n: [1, 2.5, null] },
      },
      failurePolicy: { constant: { interval: '1s', maxRetries: 3 } },
    });
    await h.post('/v1.0/jobs/drop', '{"schedule": "@hourly", "failurePolicy": {"drop": {}}}');
    expect(
      ((await (await h.get('/v1.0/jobs/drop')).json()) as { failurePolicy: unknown }).failurePolicy,
    ).toEqual({ drop: {} });
  });

  it('409 for an existing name without overwrite; overwrite replaces it', async () => {
    expect((await h.post('/v1.0/jobs/ow', '{"schedule": "@daily"}')).status).toBe(204);
    for (const body of [
      '{"schedule": "@daily", "repeats": 3, "due_time": "10s", "ttl": "11s"}',
      '{"schedule": "@daily", "repeats": 3, "overwrite": false}',
    ]) {
      const err = await expectError(await h.post('/v1.0/jobs/ow', body), 409, 'DAPR_SCHEDULER_SCHEDULE_JOB');
      expect(err.message).toBe(
        "failed to schedule job due to: rpc error: code = AlreadyExists desc = job already exists: 'app||default||myapp||ow'",
      );
      expect(err.details[0].metadata).toEqual({ appID: 'myapp', namespace: 'default' });
    }
    expect(((await (await h.get('/v1.0/jobs/ow')).json()) as { repeats?: number }).repeats).toBeUndefined();
    expect(
      (await h.post('/v1.0/jobs/ow', '{"schedule": "@weekly", "repeats": 3, "overwrite": true}')).status,
    ).toBe(204);
    expect(await (await h.get('/v1.0/jobs/ow')).json()).toMatchObject({ schedule: '@weekly', repeats: 3 });
  });

  it('DELETE answers 204, also for a job that does not exist', async () => {
    await h.post('/v1.0/jobs/gone', '{"schedule": "@daily"}');
    for (const name of ['gone', 'gone', 'never-existed']) {
      const res = await h.delete(`/v1.0/jobs/${name}`);
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
    }
    await expectError(await h.get('/v1.0/jobs/gone'), 500, 'DAPR_SCHEDULER_GET_JOB');
  });
});

describe('Jobs API errors, in Dapr format and status', () => {
  it('400 DAPR_SCHEDULER_SCHEDULE_EMPTY without schedule or dueTime', async () => {
    for (const body of ['{}', '', '{"schedule": null, "data": 1}']) {
      const err = await expectError(
        await h.post('/v1.0/jobs/test', body),
        400,
        'DAPR_SCHEDULER_SCHEDULE_EMPTY',
      );
      expect(err.message).toBe('Schedule is empty');
      expect(err.details[0].metadata).toEqual({ appID: 'myapp', namespace: 'default' });
    }
  });

  it('400 DAPR_SCHEDULER_JOB_NAME_EMPTY for a blank name', async () => {
    const err = await expectError(
      await h.post('/v1.0/jobs/%20', '{"schedule": "@daily"}'),
      400,
      'DAPR_SCHEDULER_JOB_NAME_EMPTY',
    );
    expect(err.message).toBe('Name is empty');
  });

  it('400 DAPR_SCHEDULER_JOB_NAME when the body also names the job', async () => {
    const err = await expectError(
      await h.post('/v1.0/jobs/test', '{"name": "test1", "schedule": "test", "repeats": 1}'),
      400,
      'DAPR_SCHEDULER_JOB_NAME',
    );
    expect(err.message).toBe('Set the job name in the url only');
    expect(err.details[0].metadata).toEqual({ appID: 'myapp' });
  });

  it('400 ERR_MALFORMED_REQUEST for bodies protojson rejects', async () => {
    for (const body of [
      '{"schedule": ',
      '[]',
      '{"schedule": 5}',
      '{"repeats": -1, "schedule": "@daily"}',
      '{"repeats": 1.5, "schedule": "@daily"}',
      '{"overwrite": "yes", "schedule": "@daily"}',
      '{"dueTime": "1s", "due_time": "2s"}',
      '{"schedule": "@daily", "failurePolicy": {"constant": {"interval": "1m"}}}',
      '{"schedule": "@daily", "failurePolicy": {"drop": {}, "constant": {}}}',
    ]) {
      const res = await h.post('/v1.0/jobs/malformed', body);
      expect(res.status, body).toBe(400);
      const err = (await res.json()) as { errorCode: string; message: string };
      expect(err.errorCode, body).toBe('ERR_MALFORMED_REQUEST');
      expect(err.message, body).toMatch(/^failed deserializing HTTP body: /);
    }
    // protojson names the field's kind, not the JSON value's type.
    for (const [body, kind] of [
      ['{"schedule": 5}', 'invalid value for string field schedule: 5'],
      ['{"dueTime": true}', 'invalid value for string field dueTime: true'],
      ['{"overwrite": "yes", "schedule": "@daily"}', 'invalid value for bool field overwrite: "yes"'],
    ]) {
      const err = (await (await h.post('/v1.0/jobs/malformed', body)).json()) as { message: string };
      expect(err.message, body).toContain(kind);
    }
  });

  it('500 DAPR_SCHEDULER_SCHEDULE_JOB for schedules, times and names the scheduler refuses', async () => {
    const cases: [string, string, RegExp][] = [
      ['bad-cron', '{"schedule": "* * * * *"}', /expected exactly 6 fields/],
      ['bad-zone', '{"schedule": "CRON_TZ=Not/AZone 0 0 9 * * *"}', /provided bad location/],
      ['zone-every', '{"schedule": "CRON_TZ=Europe/Rome @every 1h"}', /time zone/],
      ['bad-due', '{"dueTime": "tomorrow"}', /due time format not recognized/],
      ['empty-schedule', '{"schedule": ""}', /empty spec string/],
      ['repeats-zero', '{"schedule": "@daily", "repeats": 0}', /repeats must be greater than 0/],
      ['bad%23name', '{"schedule": "@daily"}', /must not contain '#'/],
      ['bad%3Fname', '{"schedule": "@daily"}', /must not contain '\?'/],
      ['bad%5Cname', '{"schedule": "@daily"}', /must not contain/],
      ['bad%0Aname', '{"schedule": "@daily"}', /must not contain a newline/],
      ['a'.repeat(600), '{"schedule": "@daily"}', /longer than 253/],
    ];
    for (const [name, body, msg] of cases) {
      const err = await expectError(
        await h.post(`/v1.0/jobs/${name}`, body),
        500,
        'DAPR_SCHEDULER_SCHEDULE_JOB',
      );
      expect(err.message, name).toMatch(/^failed to schedule job due to: rpc error: code = Unknown desc = /);
      expect(err.message, name).toMatch(msg);
    }
  });

  it('500 DAPR_SCHEDULER_GET_JOB for a job that does not exist', async () => {
    const err = await expectError(await h.get('/v1.0/jobs/notfound'), 500, 'DAPR_SCHEDULER_GET_JOB');
    expect(err.message).toBe(
      'failed to get job due to: rpc error: code = NotFound desc = job not found: notfound',
    );
  });

  it('accepts special characters Dapr accepts, and lists the jobs of the app', async () => {
    expect((await h.post('/v1.0/jobs/my%7C%7Cjob@name', '{"schedule": "@daily"}')).status).toBe(204);
    expect(((await (await h.get('/v1.0/jobs/my%7C%7Cjob@name')).json()) as { name: string }).name).toBe(
      'my||job@name',
    );
    expect((await h.api.listJobs()).map((j) => j.name)).toContain('my||job@name');
  });
});
