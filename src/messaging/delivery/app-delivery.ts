import type { CloudEvent } from '../cloudevent.js';
import type { SubscriptionSpec } from '../subscriptions/types.js';
import type { DeliveryOutcome } from './app-response.js';

/** One event for the app, after routing. */
export interface EventDelivery {
  pubsubName: string;
  topic: string;
  /** The route the subscription's rules selected. */
  path: string;
  event: CloudEvent;
  /** `event` as JSON bytes, when the message's own bytes are that (see `readEvent`): sent as they are. */
  json?: Buffer;
  /** Broker metadata: HTTP headers on HTTP, gRPC metadata on gRPC. */
  metadata: Record<string, string>;
  /** The trace context to send (the delivery span's); the event's own when absent. */
  traceparent?: string;
  tracestate?: string;
  signal?: AbortSignal;
}

/** The app's answer to one delivery, with why (for logs). */
export interface DeliveryResult {
  outcome: DeliveryOutcome;
  reason: string;
  /** The app's HTTP status, when it answered over HTTP (spans, retry `matching`). */
  status?: number;
}

export interface BulkDeliveryEntry {
  entryId: string;
  event: CloudEvent;
  /** `event` as JSON bytes, when the message's own bytes are that (see `readEvent`). */
  json?: Buffer;
  /** The message bytes as the broker gave them (sent as is to gRPC apps for raw payloads). */
  data: Buffer;
  contentType: string;
  metadata: Record<string, string>;
}

export interface BulkEventDelivery {
  pubsubName: string;
  topic: string;
  path: string;
  entries: BulkDeliveryEntry[];
  rawPayload: boolean;
  signal?: AbortSignal;
}

/**
 * How messaging reaches the app, whatever the transport (HTTP app channel, gRPC app channel, or a
 * streaming subscription). Every method rejects when the app cannot be reached at all; an app that
 * answered yields an outcome, which the delivery code turns into ack, retry, drop or dead letter.
 */
export interface AppDelivery {
  deliverEvent(req: EventDelivery): Promise<DeliveryResult>;
  /** The status the app gave each entry, by entry id (`SUCCESS`, `RETRY`, `DROP`); missing = RETRY. */
  deliverBulk(req: BulkEventDelivery): Promise<Map<string, string>>;
  /** The app's programmatic subscriptions (none when it has no such endpoint). */
  listSubscriptions(): Promise<SubscriptionSpec[]>;
}

/** The trace context to propagate: the delivery span's, else the event's own. */
export function traceContext(req: EventDelivery): { traceparent?: string; tracestate?: string } {
  const e = req.event;
  return {
    traceparent:
      req.traceparent ?? (typeof e.traceparent === 'string' && e.traceparent ? e.traceparent : undefined),
    tracestate:
      req.tracestate ?? (typeof e.tracestate === 'string' && e.tracestate ? e.tracestate : undefined),
  };
}
