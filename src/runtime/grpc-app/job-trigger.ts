import type { Logger } from '../../diagnostics/logger.js';
import { toAny } from '../../api/grpc/handlers/jobs.js';
import type { JobTrigger } from '../../scheduler/engine.js';
import { grpcCodeOf, StableOrAlphaMethod, type GrpcAppChannel } from './channel.js';

/**
 * Triggers jobs on a gRPC app as daprd's gRPC channel does: `AppCallback.OnJobEvent`, falling back
 * to `AppCallbackAlpha.OnJobEventAlpha1` when the app answers UNIMPLEMENTED, with the job's name,
 * its data as the stored `Any` (JSON data as `google.protobuf.Value`), the data's type URL as
 * content type, method `job/<name>` and an HTTP extension of POST. OK is delivered; any error is
 * a failure handled by the job's failure policy.
 */
export function grpcJobTrigger(channel: GrpcAppChannel, logger: Logger): JobTrigger {
  const onJobEvent = new StableOrAlphaMethod(channel, 'OnJobEvent', 'OnJobEventAlpha1');
  return async (job, signal) => {
    const data = job.data ? toAny(job.data) : null;
    const request = {
      name: job.name,
      data,
      method: `job/${job.name}`,
      contentType: data?.type_url ?? '',
      httpExtension: { verb: 'POST', querystring: '' },
    };
    try {
      await onJobEvent.call(request, { signal });
      return 'success';
    } catch (err) {
      logger.error(
        `error returned from app while processing triggered job ${job.name}: code ${grpcCodeOf(err) ?? 'none'}: ${(err as Error).message}`,
      );
      return 'failure';
    }
  };
}
