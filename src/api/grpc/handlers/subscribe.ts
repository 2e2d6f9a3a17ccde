import type { ServerDuplexStream } from '@grpc/grpc-js';
import { DaprError, GrpcCode } from '../../../errors/dapr-error.js';
import type { AppDelivery, DeliveryResult, EventDelivery } from '../../../messaging/delivery/app-delivery.js';
import { topicEventRequest } from '../../../messaging/delivery/grpc-envelope.js';
import type { StreamingHandle, StreamingSubscriptions } from '../../../messaging/streaming.js';
import type { SubscriptionSpec } from '../../../messaging/subscriptions/types.js';
import type { StreamRpc } from '../server.js';

/** `SubscribeTopicEventsRequestAlpha1`: the first message is `initialRequest`, then one `eventProcessed` per event. */
interface StreamRequestPb {
  subscribeTopicEventsRequestType?: 'initialRequest' | 'eventProcessed';
  initialRequest?: {
    pubsubName: string;
    topic: string;
    metadata: Record<string, string>;
    deadLetterTopic?: string;
  } | null;
  eventProcessed?: { id: string; status: { status: string | number } | null } | null;
}

export const STREAMING_SOURCE = 'SubscribeTopicEventsAlpha1';

/** gRPC adapter of streaming subscriptions: the stream is the app's delivery channel. */
export function subscribeRpcs(streaming: StreamingSubscriptions): Record<string, StreamRpc> {
  return {
    SubscribeTopicEventsAlpha1: (call, ctx) => new TopicEventStream(call, streaming, ctx).run(),
  };
}

type Waiter = { resolve: (r: DeliveryResult) => void; reject: (err: Error) => void };

/**
 * One open stream. Events are written as `eventMessage`s; each delivery waits for the
 * `eventProcessed` with its id (SUCCESS, RETRY or DROP), so the broker message is acknowledged
 * only after SUCCESS. When the stream ends, deliveries in flight fail (the broker keeps their
 * messages) and the subscription closes.
 */
class TopicEventStream implements AppDelivery {
  private readonly waiting = new Map<string, Waiter[]>();
  private handle?: StreamingHandle;
  private started = false;
  private closed = false;
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly call: ServerDuplexStream<unknown, unknown>,
    private readonly streaming: StreamingSubscriptions,
    private readonly ctx: Parameters<StreamRpc>[1],
  ) {
    this.ready = new Promise((r) => (this.markReady = r));
  }

  run(): void {
    this.call.on('data', (msg: StreamRequestPb) => this.onMessage(msg));
    this.call.on('end', () => this.shutdown());
    this.call.on('error', () => this.shutdown());
    this.call.on('cancelled', () => this.shutdown());
    this.ctx.closing.addEventListener('abort', () => this.shutdown(), { once: true });
  }

  async deliverEvent(req: EventDelivery): Promise<DeliveryResult> {
    await this.ready;
    if (this.closed) throw new Error('the subscription stream is closed');
    const envelope = topicEventRequest(req.event, req);
    const result = new Promise<DeliveryResult>((resolve, reject) => {
      const list = this.waiting.get(envelope.id) ?? [];
      list.push({ resolve, reject });
      this.waiting.set(envelope.id, list);
      req.signal?.addEventListener('abort', () => reject(new Error('delivery aborted')), { once: true });
    });
    this.call.write({ eventMessage: envelope });
    return result;
  }

  deliverBulk(): Promise<Map<string, string>> {
    return Promise.reject(new Error('bulk delivery is not available on streaming subscriptions'));
  }

  listSubscriptions(): Promise<SubscriptionSpec[]> {
    return Promise.resolve([]);
  }

  private onMessage(msg: StreamRequestPb): void {
    if (!this.started) {
      this.started = true;
      void this.start(msg.initialRequest);
      return;
    }
    const processed = msg.eventProcessed;
    if (msg.subscribeTopicEventsRequestType !== 'eventProcessed' || !processed)
      return this.fail(streamError('duplicate initial request received'));
    const list = this.waiting.get(processed.id);
    const waiter = list?.shift();
    if (list && list.length === 0) this.waiting.delete(processed.id);
    waiter?.resolve(outcome(processed.status?.status ?? 'SUCCESS'));
  }

  private async start(init: StreamRequestPb['initialRequest']): Promise<void> {
    if (!init) return this.fail(streamError('initial request is required'));
    if (!init.pubsubName) return this.fail(streamError('pubsubName is required'));
    if (!init.topic) return this.fail(streamError('topic is required'));
    const spec: SubscriptionSpec = {
      source: STREAMING_SOURCE,
      type: 'STREAMING',
      pubsubName: init.pubsubName,
      topic: init.topic,
      rules: [{ match: '', path: '/' }],
      deadLetterTopic: init.deadLetterTopic || undefined,
      metadata: init.metadata,
    };
    try {
      this.handle = await this.streaming.add(spec, this);
    } catch (err) {
      return this.fail(err);
    }
    if (this.closed) return void this.handle.close();
    this.call.write({ initialResponse: {} });
    this.markReady();
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.release();
    this.ctx.fail(err);
  }

  /** The app closed the stream, it broke, or the server is shutting down. */
  private shutdown(): void {
    if (this.closed) return;
    this.release();
    if (!this.call.writableEnded) this.call.end();
  }

  private release(): void {
    this.closed = true;
    this.markReady();
    const gone = new Error('the subscription stream is closed');
    for (const list of this.waiting.values()) for (const w of list) w.reject(gone);
    this.waiting.clear();
    void this.handle?.close();
  }
}

/** daprd ends the stream with a plain Go error for a bad request: gRPC code Unknown. */
function streamError(message: string): DaprError {
  return new DaprError({
    errorCode: 'ERR_BAD_REQUEST',
    httpStatus: 400,
    grpcCode: GrpcCode.UNKNOWN,
    message,
  });
}

/** `TopicEventResponseStatus` as the delivery code reads it; an unknown value is retried. */
function outcome(status: string | number): DeliveryResult {
  if (status === 'SUCCESS') return { outcome: 'SUCCESS', reason: 'stream returned SUCCESS' };
  if (status === 'DROP') return { outcome: 'DROP', reason: 'stream returned DROP' };
  if (status === 'RETRY') return { outcome: 'RETRY', reason: 'stream returned RETRY' };
  return { outcome: 'RETRY', reason: `stream returned unknown status ${status}` };
}
