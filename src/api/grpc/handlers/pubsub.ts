import type { Metadata } from '@grpc/grpc-js';
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
 * gRPC adapter of publish and bulk publish (§3.1, §3.3). A bulk publish that partly failed is
 * not an error on gRPC: the response lists the failed entries.
 */
export function pubsubRpcs(api: PubSubApi): Record<string, UnaryRpc> {
  const bulk = rpc(async (req: BulkPublishRequest, { metadata }) => {
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
    return { failedEntries: failed.map((f) => ({ entryId: f.entryId, error: f.error })) };
  });
  return {
    PublishEvent: rpc(async (req: PublishEventRequest, { metadata }) => {
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

/** W3C trace context from the call metadata. */
function trace(md: Metadata): { traceparent?: string; tracestate?: string } {
  const traceparent = md.get('traceparent')[0];
  const tracestate = md.get('tracestate')[0];
  return {
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
    ...(typeof tracestate === 'string' ? { tracestate } : {}),
  };
}
