import { describe, expect, it } from 'vitest';
import { createLogger } from '../diagnostics/logger.js';
import { VALUE_TYPE_URL } from '../components/scheduler/interface.js';
import type { AppRequest, AppResponse } from '../runtime/app-channel.js';
import { httpJobTrigger, jobTriggerBody, type JobAppChannel } from './trigger.js';

const logger = createLogger({ appId: 'test', level: 'silent' });

/** A fake channel answering `status`, recording the requests. */
function channel(status: number | Error) {
  const requests: AppRequest[] = [];
  const ch = {
    async request(req: AppRequest): Promise<AppResponse> {
      requests.push(req);
      if (status instanceof Error) throw status;
      return { status, headers: {}, body: Buffer.alloc(0) };
    },
  } satisfies JobAppChannel;
  return { ch, requests };
}

describe('httpJobTrigger', () => {
  it('POSTs /job/{name} with application/json and the data as JSON text', async () => {
    const { ch, requests } = channel(200);
    const data = { typeUrl: VALUE_TYPE_URL, value: Buffer.from('{"task_id":"task-789"}') };
    expect(
      await httpJobTrigger(ch, logger)({ name: 'reminder task', data }, new AbortController().signal),
    ).toBe('success');
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/job/reminder%20task',
      headers: { 'content-type': 'application/json' },
    });
    expect(String(requests[0].body)).toBe('{"task_id":"task-789"}');
  });

  it('classifies 2xx, 404 and other answers; a connection error throws (a failure)', async () => {
    const signal = new AbortController().signal;
    for (const [status, outcome] of [
      [204, 'success'],
      [299, 'success'],
      [404, 'not-found'],
      [500, 'failure'],
      [503, 'failure'],
      [400, 'failure'],
      [302, 'failure'],
    ] as const) {
      expect(await httpJobTrigger(channel(status).ch, logger)({ name: 'j' }, signal), String(status)).toBe(
        outcome,
      );
    }
    await expect(
      httpJobTrigger(channel(new Error('ECONNREFUSED')).ch, logger)({ name: 'j' }, signal),
    ).rejects.toThrow();
  });

  it('sends nothing for a job without data, and trimmed bytes for other Any types', () => {
    expect(jobTriggerBody(undefined)).toHaveLength(0);
    expect(
      String(jobTriggerBody({ typeUrl: 'type.googleapis.com/x.Y', value: Buffer.from('  raw  ') })),
    ).toBe('raw');
  });
});
