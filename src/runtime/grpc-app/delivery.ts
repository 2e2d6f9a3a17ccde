import { randomUUID } from 'node:crypto';
import { status as Code } from '@grpc/grpc-js';
import type { Logger } from '../../diagnostics/logger.js';
import {
  traceContext,
  type AppDelivery,
  type BulkEventDelivery,
  type DeliveryResult,
  type EventDelivery,
} from '../../messaging/delivery/app-delivery.js';
import { cloudEventRequest, topicEventRequest } from '../../messaging/delivery/grpc-envelope.js';
import { normalizeSubscription } from '../../messaging/subscriptions/normalize.js';
import type { SubscriptionSpec } from '../../messaging/subscriptions/types.js';
import { grpcCodeOf, StableOrAlphaMethod, type GrpcAppChannel } from './channel.js';

/** `runtime.v1.TopicSubscription` as the app lists it. */
interface TopicSubscriptionPb {
  pubsubName: string;
  topic: string;
  metadata: Record<string, string>;
  routes: { rules: { match: string; path: string }[]; default: string } | null;
  deadLetterTopic: string;
  bulkSubscribe: { enabled: boolean; maxMessagesCount: number; maxAwaitDurationMs: number } | null;
}

/** `runtime.v1.TopicEventBulkResponse`. */
interface BulkResponse {
  statuses: { entryId: string; status: string | number }[];
}

export const LIST_SUBSCRIPTIONS_SOURCE = 'AppCallback/ListTopicSubscriptions';

/**
 * Delivery to a gRPC app (`--app-protocol grpc`): `OnTopicEvent` per event with its answer read
 * like the HTTP table (SUCCESS acks, RETRY retries, DROP drops, an unknown status retries,
 * UNIMPLEMENTED drops, any other error retries), `OnBulkTopicEvent` (falling back to the
 * `…Alpha1` name) for bulk subscriptions, `ListTopicSubscriptions` for programmatic ones.
 */
export class GrpcAppDelivery implements AppDelivery {
  private readonly bulkMethod: StableOrAlphaMethod;

  constructor(
    private readonly channel: GrpcAppChannel,
    private readonly logger: Logger,
  ) {
    this.bulkMethod = new StableOrAlphaMethod(channel, 'OnBulkTopicEvent', 'OnBulkTopicEventAlpha1');
  }

  async deliverEvent(req: EventDelivery): Promise<DeliveryResult> {
    const { event } = req;
    const { traceparent, tracestate } = traceContext(req);
    // daprd sends the message metadata (with the pubsub's name added, and without content type
    // or length, which the CloudEvent carries) as the call's metadata.
    const metadata = {
      ...withoutContentHeaders(req.metadata),
      pubsubName: req.pubsubName,
      ...(traceparent ? { traceparent } : {}),
      ...(tracestate ? { tracestate } : {}),
    };
    let res: { status: string | number };
    try {
      res = await this.channel.call('appCallback', 'OnTopicEvent', topicEventRequest(event, req), {
        metadata,
        signal: req.signal,
      });
    } catch (err) {
      if (grpcCodeOf(err) === Code.UNIMPLEMENTED)
        return { outcome: 'DROP', reason: 'the app does not implement OnTopicEvent (non-retriable)' };
      throw err;
    }
    if (res.status === 'SUCCESS') return { outcome: 'SUCCESS', reason: 'app returned SUCCESS' };
    if (res.status === 'DROP') return { outcome: 'DROP', reason: 'app returned DROP' };
    if (res.status === 'RETRY') return { outcome: 'RETRY', reason: 'app returned RETRY' };
    return { outcome: 'RETRY', reason: `app returned unknown status ${res.status}` };
  }

  async deliverBulk(req: BulkEventDelivery): Promise<Map<string, string>> {
    const metadata = { pubsubName: req.pubsubName };
    const request = {
      id: randomUUID(),
      entries: req.entries.map((e) =>
        req.rawPayload
          ? { entryId: e.entryId, bytes: e.data, contentType: e.contentType, metadata: e.metadata }
          : {
              entryId: e.entryId,
              cloudEvent: cloudEventRequest(e.event),
              contentType: e.contentType,
              metadata: e.metadata,
            },
      ),
      // daprd's bulk message metadata (the pubsub's name), also sent as the call's metadata.
      metadata,
      topic: req.topic,
      pubsubName: req.pubsubName,
      type: 'com.dapr.event.sent.bulk',
      path: req.path,
    };
    let res: BulkResponse;
    try {
      res = await this.bulkMethod.call<BulkResponse>(request, { metadata, signal: req.signal });
    } catch (err) {
      if (grpcCodeOf(err) !== Code.UNIMPLEMENTED) throw err;
      return new Map(req.entries.map((e) => [e.entryId, 'DROP']));
    }
    return new Map(res.statuses.map((s) => [s.entryId, String(s.status)]));
  }

  /**
   * `ListTopicSubscriptions`, with daprd's initialisation retries (3 tries, from 500 ms).
   * UNIMPLEMENTED means none; an entry without routes gets the empty path, as gRPC routes by topic.
   */
  async listSubscriptions(): Promise<SubscriptionSpec[]> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1)));
      try {
        const res = await this.channel.call<{ subscriptions: TopicSubscriptionPb[] }>(
          'appCallback',
          'ListTopicSubscriptions',
          {},
        );
        return res.subscriptions.map((s, i) => toSpec(s, `${LIST_SUBSCRIPTIONS_SOURCE} [${i}]`));
      } catch (err) {
        if ((err as Error).name === 'SubscriptionError') throw err;
        if (grpcCodeOf(err) === Code.UNIMPLEMENTED) {
          this.logger.info('pubsub subscriptions: gRPC app does not implement ListTopicSubscriptions');
          return [];
        }
        lastErr = err;
      }
    }
    this.logger.warn({ err: lastErr }, 'could not read the app subscriptions (ListTopicSubscriptions); none');
    return [];
  }

  /** `AppCallbackHealthCheck.HealthCheck`: true when the app answered OK. */
  async healthy(timeoutMs = 500): Promise<boolean> {
    try {
      await this.channel.call('appCallbackHealthCheck', 'HealthCheck', {}, { timeoutMs });
      return true;
    } catch {
      return false;
    }
  }
}

function withoutContentHeaders(md: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md)) {
    const key = k.toLowerCase();
    if (key !== 'content-type' && key !== 'content-length') out[k] = v;
  }
  return out;
}

function toSpec(s: TopicSubscriptionPb, source: string): SubscriptionSpec {
  const rules = s.routes?.rules ?? [];
  const noRoute = rules.length === 0 && !s.routes?.default;
  const spec = normalizeSubscription(
    {
      pubsubname: s.pubsubName,
      topic: s.topic,
      routes: { rules, default: noRoute ? '-' : s.routes?.default || undefined },
      deadLetterTopic: s.deadLetterTopic || undefined,
      metadata: s.metadata,
      bulkSubscribe: s.bulkSubscribe?.enabled
        ? {
            enabled: true,
            maxMessagesCount: s.bulkSubscribe.maxMessagesCount || undefined,
            maxAwaitDurationMs: s.bulkSubscribe.maxAwaitDurationMs || undefined,
          }
        : undefined,
    },
    source,
    'PROGRAMMATIC',
  );
  return noRoute ? { ...spec, rules: [{ match: '', path: '' }] } : spec;
}
