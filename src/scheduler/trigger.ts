import type { Logger } from '../diagnostics/logger.js';
import { VALUE_TYPE_URL, type JobData } from '../components/scheduler/interface.js';
import type { AppRequest, AppResponse } from '../runtime/app-channel.js';
import type { JobTrigger } from './engine.js';
import { jobTriggerPath } from './names.js';

/** The part of the app channel a trigger needs (the runtime's AppChannel satisfies it). */
export interface JobAppChannel {
  request(req: AppRequest): Promise<AppResponse>;
}

/**
 * The body the app receives, as daprd's HTTP channel builds it: a `google.protobuf.Value` as its
 * JSON text (not wrapped), any other type's bytes trimmed, nothing when the job has no data.
 */
export function jobTriggerBody(data: JobData | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.typeUrl === VALUE_TYPE_URL) return data.value;
  return Buffer.from(data.value.toString('latin1').trim(), 'latin1');
}

/**
 * Triggers jobs over HTTP: `POST /job/{name}` with `Content-Type: application/json` and the job's
 * data (the channel adds `dapr-api-token` when `APP_API_TOKEN` is set). 2xx is `success`; 404 is
 * `not-found`, delivered too (daprd logs it as a non-retriable failure); any other status is
 * `failure`, and a connection error throws (also a failure), both handled by the failure policy.
 */
export function httpJobTrigger(channel: JobAppChannel, logger: Logger): JobTrigger {
  return async (job, signal) => {
    const res = await channel.request({
      method: 'POST',
      path: jobTriggerPath(job.name),
      headers: { 'content-type': 'application/json' },
      body: jobTriggerBody(job.data),
      signal,
    });
    if (res.status >= 200 && res.status < 300) return 'success';
    if (res.status === 404) {
      logger.error(
        `non-retriable error returned from app while processing triggered job ${job.name}. status code returned: 404`,
      );
      return 'not-found';
    }
    logger.error(
      `unexpected status code returned from app while processing triggered job ${job.name}. status code returned: ${res.status}`,
    );
    return 'failure';
  };
}
