import type { IncomingMessage } from 'node:http';
import { Errors } from '../../../errors/catalogue.js';
import { errorMessage, isDaprError } from '../../../errors/dapr-error.js';
import { entryIdCheck, rawPayload, type PubSubApi } from '../../universal/pubsub.js';
import { decodeBody, decodeEntry } from './bulk-publish-body.js';
import { bulkEventBytes } from '../../../messaging/bulk-event.js';
import { isCloudEventJson, isJson } from '../../../messaging/content-type.js';
import { stringifyPrecise } from '../../../messaging/precise-json.js';
import { noContent } from '../respond.js';
import { queryMetadata } from '../request.js';
import { Paths } from '../paths.js';
import type { HandlerContext, Route } from '../route.js';

/** HTTP adapter of publish and bulk publish (§3.1, §3.3). The topic is the rest of the path. */
export function pubsubRoutes(api: PubSubApi): Route[] {
  const publish = async (
    req: IncomingMessage,
    res: Parameters<Route['handler']>[1],
    { params, query, body }: HandlerContext,
  ) => {
    const pubsubName = params.pubsubName ?? '';
    const topic = params['*'] ?? '';
    const metadata = queryMetadata(query);
    api.target(pubsubName, topic, metadata);
    await api.publish({
      pubsubName,
      topic,
      // daprd reads the body after its checks; a read failure (over the size limit included) is
      // its publish error: 500 ERR_PUBSUB_PUBLISH_MESSAGE.
      data: await body().catch((err: unknown) => {
        throw Errors.pubsubPublishMessage(topic, pubsubName, readError(err));
      }),
      contentType: header(req, 'content-type'),
      metadata,
      traceparent: header(req, 'traceparent'),
      tracestate: header(req, 'tracestate'),
    });
    noContent(res);
  };
  const bulk = async (
    req: IncomingMessage,
    res: Parameters<Route['handler']>[1],
    { params, query, body }: HandlerContext,
  ) => {
    const pubsubName = params.pubsubName ?? '';
    const topic = params['*'] ?? '';
    const metadata = queryMetadata(query);
    api.target(pubsubName, topic, metadata);
    rawPayload(pubsubName, metadata);
    const unmarshal = (why: string) => Errors.pubsubUnmarshalEvents(topic, pubsubName, api.appId, why);
    // daprd decodes straight from the (size-limited) body: a read failure is its decode error.
    const raw = await body().catch((err: unknown) => {
      throw unmarshal(readError(err));
    });
    const decoded = decodeBody(raw, unmarshal);
    const checkEntryId = entryIdCheck(topic, pubsubName, api.appId);
    const entries = decoded.entries.map((raw: unknown, i) => {
      const e = decodeEntry(raw, unmarshal, decoded.precise?.[i]);
      // daprd converts the event first (no default content type), then checks the entryId.
      const contentType = e.contentType;
      // JSON types take any value: their bytes are made only if needed (rawPayload); the others
      // are converted now, which is also daprd's content-type check.
      const json = isJson(contentType) || isCloudEventJson(contentType);
      // A JSON event whose numbers JSON.parse may have rounded is taken with them as written.
      const precise = json ? e.preciseEvent : undefined;
      const convert = precise
        ? () => Buffer.from(stringifyPrecise(precise.value ?? null))
        : () => bulkEventBytes(e.event, contentType, topic, pubsubName, api.appId);
      const event = json ? convert : convert();
      checkEntryId(e.entryId);
      return {
        entryId: e.entryId,
        contentType,
        event,
        // Spares the envelope parsing the bytes just serialized from this value.
        parsed: precise
          ? { value: precise.value ?? null, precise: true }
          : json
            ? { value: e.event ?? null }
            : undefined,
        metadata: e.metadata,
      };
    });
    const failed = await api.bulkPublish({
      pubsubName,
      topic,
      entries,
      metadata,
      traceparent: header(req, 'traceparent'),
      tracestate: header(req, 'tracestate'),
    });
    if (failed.length === 0) return noContent(res);
    throw Errors.pubsubBulkPublishFailed(topic, pubsubName, failed);
  };
  return [
    { methods: ['POST', 'PUT'], path: Paths.publish, handler: publish },
    // `/publish/<pubsub>` or `/publish/<pubsub>/`: the same checks in daprd's order end in ERR_TOPIC_NAME_EMPTY.
    { methods: ['POST', 'PUT'], path: Paths.publishNoTopic, handler: publish },
    { methods: ['POST', 'PUT'], path: Paths.bulkPublish, handler: bulk },
    { methods: ['POST', 'PUT'], path: Paths.bulkPublishAlpha, handler: bulk },
  ];
}

/** The error daprd's handler sees when reading the body: its LimitReadCloser's "stream too large". */
function readError(err: unknown): string {
  if (isDaprError(err) && err.errorCode === 'ERR_BODY_READ' && err.message.includes('stream too large'))
    return 'stream too large';
  return errorMessage(err);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
