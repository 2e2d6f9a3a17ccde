import type { Logger } from '../../diagnostics/logger.js';
import { toAny } from '../../api/grpc/handlers/jobs.js';
import type { JobTrigger } from '../../scheduler/engine.js';
import { grpcCodeOf, type GrpcAppChannel } from './channel.js';

/**
 * Triggers jobs on a gRPC app: `AppCallbackAlpha.OnJobEventAlpha1` with the job's name, its data
 * as the stored `Any` (JSON data as `google.protobuf.Value`), method `job/<name>` and an HTTP
 * extension of POST, as daprd's gRPC channel sends it. OK is delivered; any error is a failure
 * handled by the job's failure policy.
 */
export function grpcJobTrigger(channel: GrpcAppChannel, logger: Logger): JobTrigger {
  return async (job, signal) => {
    try {
      await channel.call(
        'appCallbackAlpha',
        'OnJobEventAlpha1',
        {
          name: job.name,
          data: job.data ? toAny(job.data) : null,
          method: `job/${job.name}`,
          contentType: 'application/json',
          httpExtension: { verb: 'POST', querystring: '' },
        },
        { signal },
      );
      return 'success';
    } catch (err) {
      logger.error(
        `error returned from app while processing triggered job ${job.name}: code ${grpcCodeOf(err) ?? 'none'}: ${(err as Error).message}`,
      );
      return 'failure';
    }
  };
}
