import { Errors } from '../../../errors/catalogue.js';
import { isDaprError } from '../../../errors/dapr-error.js';
import { grpcTraceContext as trace } from '../trace-context.js';
import type { PubSubApi } from '../../universal/pubsub.js';
import { rpc, type UnaryRpc } from '../server.js';

interface PublishEventRequest {
  pubsubName: string;
  topic: string;
  data: Buffer;
  dataContentType: string;
  metadata: Record<string, string>;
}

interface BulkPublishRequest {
  pubsubName: string;
  topic: string;
  entries: { entryId: string; event: Buffer; contentType: string; metadata: Record<string, string> }[];
  metadata: Record<string, string>;
}

/**
 * gRPC adapter of publish and bulk publish (§3.1, §3.3). As in daprd (grpc.go bulkPublishEvent),
 * a bulk publish with any failed entry is an error (INTERNAL, ERR_PUBSUB_PUBLISH_MESSAGE with the
 * first failure), not a response listing them; `failedEntries` is empty on success.
 */
export function pubsubRpcs(api: PubSubApi): Record<string, UnaryRpc> {
  const bulk = rpc(async (req: BulkPublishRequest, { metadata }) => {
    checkTarget(api, req);
    const failed = await api.bulkPublish({
      pubsubName: req.pubsubName,
      topic: req.topic,
      entries: req.entries.map((e) => ({
        entryId: e.entryId,
        event: e.event,
        contentType: e.contentType,
        metadata: e.metadata,
      })),
      metadata: req.metadata,
      ...trace(metadata),
    });
    if (failed.length > 0) throw Errors.pubsubPublishMessage(req.topic, req.pubsubName, failed[0].error);
    return { failedEntries: [] };
  });
  return {
    PublishEvent: rpc(async (req: PublishEventRequest, { metadata }) => {
      checkTarget(api, req);
      await api.publish({
        pubsubName: req.pubsubName,
        topic: req.topic,
        data: req.data,
        contentType: req.dataContentType || undefined,
        metadata: req.metadata,
        ...trace(metadata),
      });
      return {};
    }),
    BulkPublishEvent: bulk,
    BulkPublishEventAlpha1: bulk,
  };
}

/**
 * The pubsub and topic checks, as daprd's gRPC API makes them: the not-found error carries no
 * request metadata there (over HTTP it does).
 */
function checkTarget(
  api: PubSubApi,
  req: { pubsubName: string; topic: string; metadata: Record<string, string> },
) {
  try {
    api.target(req.pubsubName, req.topic, req.metadata);
  } catch (err) {
    if (isDaprError(err) && err.errorCode === 'ERR_PUBSUB_NOT_FOUND')
      throw Errors.pubsubNotFound(req.pubsubName, null);
    throw err;
  }
}
