import type { IncomingMessage } from 'node:http';
import { Errors } from '../../../errors/catalogue.js';
import { goFields } from '../../../resources/case-insensitive.js';
import type { PubSubApi } from '../../universal/pubsub.js';
import { bulkEventBytes } from '../../../messaging/bulk-event.js';
import { isCloudEventJson, isJson } from '../../../messaging/content-type.js';
import { noContent } from '../respond.js';
import { parseJson, queryMetadata } from '../request.js';
import { Paths } from '../paths.js';
import type { HandlerContext, Route } from '../route.js';

const ENTRY_FIELDS = ['entryId', 'event', 'contentType', 'metadata'] as const;

/** HTTP adapter of publish and bulk publish (§3.1, §3.3). The topic is the rest of the path. */
export function pubsubRoutes(api: PubSubApi): Route[] {
  const publish = async (
    req: IncomingMessage,
    res: Parameters<Route['handler']>[1],
    { params, query, body }: HandlerContext,
  ) => {
    const pubsubName = params.pubsubName ?? '';
    const topic = params['*'] ?? '';
    api.target(pubsubName, topic);
    await api.publish({
      pubsubName,
      topic,
      data: await body(),
      contentType: header(req, 'content-type'),
      metadata: queryMetadata(query),
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
    api.target(pubsubName, topic);
    let parsed: unknown;
    try {
      parsed = parseJson(await body());
    } catch {
      throw Errors.pubsubEventsSer(
        'error when unmarshaling the request for topic: the body must be a JSON array of entries',
      );
    }
    if (!Array.isArray(parsed)) throw Errors.pubsubEventsSer('the body must be a JSON array of entries');
    const entries = parsed.map((raw: unknown, i) => {
      if (!raw || typeof raw !== 'object') throw Errors.pubsubEventsSer(`entry ${i} must be an object`);
      const e = goFields(raw as Record<string, unknown>, ENTRY_FIELDS);
      // daprd converts the event first (no default content type), then checks the entryId.
      const contentType = typeof e.contentType === 'string' ? e.contentType : '';
      // JSON types take any value: their bytes are made only if needed (rawPayload); the others
      // are converted now, which is also daprd's content-type check.
      const json = isJson(contentType) || isCloudEventJson(contentType);
      const convert = () => bulkEventBytes(e.event, contentType, topic, pubsubName);
      const event = json ? convert : convert();
      if (typeof e.entryId !== 'string' || e.entryId === '')
        throw Errors.pubsubEventsSer(`entryId is required for entry ${i}`);
      return {
        entryId: e.entryId,
        contentType,
        event,
        // Spares the envelope parsing the bytes just serialized from this value.
        parsed: json ? { value: e.event ?? null } : undefined,
        metadata: stringMap(e.metadata),
      };
    });
    const failed = await api.bulkPublish({
      pubsubName,
      topic,
      entries,
      metadata: queryMetadata(query),
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

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, String(val)]));
}
