import { randomUUID } from 'node:crypto';
import type { Logger } from '../../diagnostics/logger.js';
import type { AppChannel } from '../../runtime/app-channel.js';
import { CLOUDEVENT_CONTENT_TYPE } from '../cloudevent.js';
import { programmaticSubscriptions } from '../subscriptions/programmatic.js';
import type { SubscriptionSpec } from '../subscriptions/types.js';
import {
  traceContext,
  type AppDelivery,
  type BulkEventDelivery,
  type DeliveryResult,
  type EventDelivery,
} from './app-delivery.js';
import { interpretResponse } from './app-response.js';
import { metadataHeaders } from './event.js';
import { goFields } from '../../resources/case-insensitive.js';
import { isJsonObject } from '../../components/common/json-object.js';

/**
 * Delivery to an HTTP app (dapr-api.md §3.6, §3.7): `POST /<path>` with the CloudEvent as
 * `application/cloudevents+json`, broker metadata as headers, the answer read as daprd reads it.
 */
export class HttpAppDelivery implements AppDelivery {
  constructor(
    private readonly channel: AppChannel,
    private readonly appId: string,
    private readonly logger: Logger,
  ) {}

  async deliverEvent(req: EventDelivery): Promise<DeliveryResult> {
    const { event } = req;
    const { traceparent, tracestate } = traceContext(req);
    const headers = {
      ...metadataHeaders(req.metadata),
      'content-type': CLOUDEVENT_CONTENT_TYPE,
      pubsubname: req.pubsubName,
      ...(traceparent ? { traceparent } : {}),
      ...(tracestate ? { tracestate } : {}),
    };
    const res = await this.channel.request({
      method: 'POST',
      path: req.path,
      headers,
      body: req.json ?? Buffer.from(JSON.stringify(event)),
      signal: req.signal,
    });
    return { ...interpretResponse(res), status: res.status };
  }

  /** One POST with every entry (§3.7 bulk); 404 drops all, other non-2xx retries all. */
  async deliverBulk(req: BulkEventDelivery): Promise<Map<string, string>> {
    const res = await this.channel.request({
      method: 'POST',
      path: req.path,
      headers: { 'content-type': 'application/json', pubsubname: req.pubsubName },
      body: bulkBody(req),
      signal: req.signal,
    });
    return bulkStatuses(
      res.status,
      res.body,
      req.entries.map((e) => e.entryId),
    );
  }

  listSubscriptions(): Promise<SubscriptionSpec[]> {
    return programmaticSubscriptions(this.channel, this.appId, this.logger);
  }
}

/**
 * The bulk request body `{id, type, topic, pubsubname, metadata, entries: [{entryId, event,
 * metadata, contentType}]}`, with each event's own JSON bytes spliced in where it has them.
 */
function bulkBody(req: BulkEventDelivery): Buffer {
  const head = JSON.stringify({
    id: randomUUID(),
    type: 'com.dapr.event.sent.bulk',
    topic: req.topic,
    pubsubname: req.pubsubName,
    metadata: { pubsubName: req.pubsubName }, // daprd's bulk message metadata: the pubsub's name
  });
  // Raw payloads go as base64 strings of the bytes, as daprd's bulk subscriber sends them.
  const contentType = JSON.stringify(req.rawPayload ? 'application/octet-stream' : CLOUDEVENT_CONTENT_TYPE);
  const parts: Buffer[] = [Buffer.from(head.slice(0, -1) + ',"entries":[')];
  req.entries.forEach((e, i) => {
    parts.push(Buffer.from(`${i > 0 ? ',' : ''}{"entryId":${JSON.stringify(e.entryId)},"event":`));
    if (req.rawPayload) parts.push(Buffer.from(JSON.stringify(e.data.toString('base64'))));
    else parts.push(e.json ?? Buffer.from(JSON.stringify(e.event)));
    parts.push(Buffer.from(`,"metadata":${JSON.stringify(e.metadata)},"contentType":${contentType}}`));
  });
  parts.push(Buffer.from(']}'));
  return Buffer.concat(parts);
}

/**
 * Per-entry outcome from a bulk response: 404 drops all, other non-2xx retries all, missing → RETRY.
 * The 2xx body is read as daprd's decoder fills `{statuses: [{entryId, status}]}`: field names in
 * any case, `null` as absent, and a body that does not decode (a value of the wrong type anywhere
 * included) leaves every entry to RETRY.
 */
function bulkStatuses(status: number, body: Buffer, ids: string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (status === 404) for (const id of ids) out.set(id, 'DROP');
  if (status < 200 || status >= 300) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return out;
  }
  if (!isJsonObject(parsed)) return out;
  const { statuses } = goFields(parsed, ['statuses']);
  if (!Array.isArray(statuses)) return out;
  const read: [string, string][] = [];
  for (const s of statuses as unknown[]) {
    if (s === null) continue;
    if (!isJsonObject(s)) return out;
    const { entryId = null, status: entryStatus = null } = goFields(s, ['entryId', 'status']);
    const text = (v: unknown) => v === null || typeof v === 'string';
    if (!text(entryId) || !text(entryStatus)) return out;
    if (entryId && entryStatus) read.push([entryId as string, entryStatus as string]);
  }
  return new Map(read);
}
