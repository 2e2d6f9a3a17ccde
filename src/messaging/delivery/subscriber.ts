import type { Logger } from '../../diagnostics/logger.js';
import type { Metrics } from '../../diagnostics/metrics/metrics.js';
import type { Span, Tracing } from '../../diagnostics/tracing/tracing.js';
import type { MessageHandler, PubSubMessage } from '../../components/pubsub/interface.js';
import type { PolicyRunner } from '../../resiliency/provider.js';
import type { LivePubSub } from '../../runtime/compstore.js';
import { isExpired, type CloudEvent } from '../cloudevent.js';
import { selectRoute } from '../subscriptions/rules.js';
import type { SubscriptionSpec } from '../subscriptions/types.js';
import type { AppDelivery, EventDelivery } from './app-delivery.js';
import { RetriableDeliveryError, type DeliveryOutcome } from './app-response.js';
import { isRawPayload, readEvent } from './event.js';

export interface SubscriberDeps {
  pubsub: LivePubSub;
  /** How events reach the app: the HTTP or gRPC app channel, or a streaming subscription. */
  app: AppDelivery;
  /** The component's inbound resiliency policy: retries of RETRY/errors happen here, once, for every broker. */
  inbound: PolicyRunner;
  logger: Logger;
  now: () => number;
  /** Counts each POST to the app (metrics, tests). */
  onDelivery?: (spec: SubscriptionSpec, outcome: DeliveryOutcome | 'ERROR') => void;
  /** A span per POST to the app, a child of the event's `traceparent`. */
  tracing?: Tracing;
  /** `dapr_component_pubsub_ingress_*`. */
  metrics?: Metrics;
}

/**
 * The handler the runtime gives the broker for one subscription. It resolves (the component acks)
 * once the app said SUCCESS, or the message was dropped on purpose or dead-lettered; it rejects
 * (the broker keeps the message for redelivery) when delivery failed and no dead-letter topic took it.
 */
export function createMessageHandler(spec: SubscriptionSpec, deps: SubscriberDeps): MessageHandler {
  const raw = isRawPayload(spec.metadata);
  const log = deps.logger.child({ scope: 'dapr.runtime.pubsub', pubsub: spec.pubsubName, topic: spec.topic });
  return async (msg: PubSubMessage) => {
    let event: CloudEvent;
    let json: Buffer | undefined;
    try {
      ({ event, json } = readEvent(msg, spec.pubsubName, raw));
    } catch (err) {
      log.error({ err }, 'cannot read the message as a CloudEvent');
      return deadLetterOr(spec, msg, deps, log, () => Promise.reject(err));
    }
    if (isExpired(event, deps.now())) {
      log.warn({ id: event.id }, 'dropping an expired message');
      return deadLetterOr(spec, msg, deps, log, () => Promise.resolve());
    }
    let path: string | undefined;
    try {
      path = selectRoute(spec.rules, event);
    } catch (err) {
      log.error({ id: event.id, err: (err as Error).message }, 'cannot find the route of the event');
      return deadLetterOr(spec, msg, deps, log, () => Promise.reject(err));
    }
    if (path === undefined) {
      log.debug({ id: event.id }, 'no route matched the event; dropping it');
      return deadLetterOr(spec, msg, deps, log, () => Promise.resolve());
    }
    const delivery: EventDelivery = {
      pubsubName: spec.pubsubName,
      topic: spec.topic,
      path,
      event,
      json,
      metadata: msg.metadata,
    };
    let outcome: DeliveryOutcome;
    try {
      outcome = await deps.inbound(async (signal) => {
        const o = await postOnce(deps, spec, traced(deps, spec, delivery), signal);
        if (o === 'RETRY') throw new RetriableDeliveryError('delivery not acknowledged');
        return o;
      });
    } catch (err) {
      log.warn({ id: event.id, err: (err as Error).message }, 'delivery failed');
      return deadLetterOr(spec, msg, deps, log, () => Promise.reject(err));
    }
    if (outcome === 'DROP') {
      log.warn({ id: event.id }, 'the app dropped the event');
      // As daprd (dapr/dapr#8284): a dropped event the dead-letter topic did not take is not acked.
      if (spec.deadLetterTopic && !(await publishToDeadLetter(spec, msg, deps, log)))
        throw new Error(`the dropped event could not be sent to dead-letter topic ${spec.deadLetterTopic}`);
    }
  };
}

/**
 * The span of one delivery attempt (daprd's `pubsub/<topic>` callback span, a child of the
 * event's trace context) and the trace context that carries it to the app.
 */
function traced(
  deps: SubscriberDeps,
  spec: SubscriptionSpec,
  delivery: EventDelivery,
): { delivery: EventDelivery; span?: Span } {
  if (!deps.tracing?.enabled) return { delivery };
  const { event } = delivery;
  const parent =
    typeof event.traceparent === 'string' && event.traceparent ? event.traceparent : event.traceid;
  const span = deps.tracing.startSpan(`pubsub/${spec.topic}`, {
    kind: 'client',
    parent: {
      traceparent: typeof parent === 'string' ? parent : undefined,
      tracestate: typeof event.tracestate === 'string' ? event.tracestate : undefined,
    },
    attributes: {
      'messaging.system': 'pubsub',
      'messaging.destination.name': spec.topic,
      'dapr.component': spec.pubsubName,
    },
  });
  if (!span) return { delivery };
  const trace = {
    traceparent: span.traceparent,
    ...(span.tracestate ? { tracestate: span.tracestate } : {}),
  };
  return { delivery: { ...delivery, ...trace }, span };
}

const INGRESS = { SUCCESS: 'success', RETRY: 'retry', DROP: 'drop' } as const;

async function postOnce(
  deps: SubscriberDeps,
  spec: SubscriptionSpec,
  call: { delivery: EventDelivery; span?: Span },
  signal: AbortSignal | undefined,
): Promise<DeliveryOutcome> {
  const { delivery, span } = call;
  const started = performance.now();
  try {
    const { outcome, reason, status } = await deps.app.deliverEvent({ ...delivery, signal });
    if (status !== undefined) span?.setHttpStatus(status);
    deps.metrics?.pubsubIngress(spec.pubsubName, spec.topic, INGRESS[outcome], performance.now() - started);
    if (outcome !== 'SUCCESS') deps.logger.debug({ path: delivery.path, reason }, 'delivery not successful');
    deps.onDelivery?.(spec, outcome);
    // A non-2xx answer carries its status, so a retry's `matching.httpStatusCodes` can decide.
    if (outcome === 'RETRY' && status !== undefined && (status < 200 || status >= 300))
      throw new RetriableDeliveryError(reason, status);
    return outcome;
  } catch (err) {
    if (err instanceof RetriableDeliveryError) throw err;
    span?.recordError(err);
    deps.metrics?.pubsubIngress(spec.pubsubName, spec.topic, 'retry', performance.now() - started);
    deps.onDelivery?.(spec, 'ERROR');
    throw new RetriableDeliveryError(`cannot reach the app: ${(err as Error).message}`);
  } finally {
    span?.end();
  }
}

/**
 * Sends the original message (bytes, metadata, content type) to the subscription's dead-letter
 * topic on the same pub/sub and acks it; without one (or if that publish fails) runs `otherwise`.
 */
async function deadLetterOr(
  spec: SubscriptionSpec,
  msg: PubSubMessage,
  deps: SubscriberDeps,
  log: Logger,
  otherwise: () => Promise<void>,
): Promise<void> {
  if (!(await publishToDeadLetter(spec, msg, deps, log))) return otherwise();
}

/** Publishes the original message to the dead-letter topic; false when there is none or it failed. */
export async function publishToDeadLetter(
  spec: SubscriptionSpec,
  msg: PubSubMessage,
  deps: SubscriberDeps,
  log: Logger,
): Promise<boolean> {
  if (!spec.deadLetterTopic) return false;
  try {
    await deps.pubsub.pubsub.publish({
      topic: spec.deadLetterTopic,
      data: msg.data,
      contentType: msg.contentType,
      metadata: msg.metadata,
    });
    log.info({ deadLetterTopic: spec.deadLetterTopic }, 'message sent to the dead-letter topic');
    return true;
  } catch (err) {
    log.error({ err, deadLetterTopic: spec.deadLetterTopic }, 'could not publish to the dead-letter topic');
    return false;
  }
}
