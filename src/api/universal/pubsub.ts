import { Errors } from '../../errors/catalogue.js';
import { isDaprError } from '../../errors/dapr-error.js';
import { PubSubFeature } from '../../components/pubsub/features.js';
import { isBulkPublisher, type BulkPublishEntry } from '../../components/pubsub/interface.js';
import {
  buildEnvelope,
  bytesOf,
  CLOUDEVENT_CONTENT_TYPE,
  stringifyEnvelope,
  type RawData,
} from '../../messaging/cloudevent.js';
import { readRawPayload } from '../../messaging/raw-payload.js';
import { topicScopes } from '../../messaging/topic-scopes.js';
import { currentSpan } from '../../diagnostics/tracing/context.js';
import { unsampledTraceparent } from '../../diagnostics/tracing/w3c.js';
import type { LivePubSub } from '../../runtime/compstore.js';
import type { UniversalContext } from './context.js';

export interface PublishInput {
  pubsubName: string;
  topic: string;
  data: Buffer;
  contentType?: string;
  metadata: Record<string, string>;
  traceparent?: string;
  tracestate?: string;
}

export interface BulkPublishInputEntry {
  entryId: string;
  /**
   * The event bytes as the transport received them (JSON text, plain text, or raw bytes); a
   * function when they are only made on demand (the JSON text of `parsed`, needed for rawPayload).
   */
  event: Buffer | (() => Buffer);
  /**
   * The event as the transport parsed it, for JSON content types (spares parsing `event` again);
   * `precise`: its numbers are kept as written (`parsePrecise`).
   */
  parsed?: { value: unknown; precise?: boolean };
  contentType: string;
  metadata?: Record<string, string>;
}

export interface BulkPublishInput {
  pubsubName: string;
  topic: string;
  entries: BulkPublishInputEntry[];
  metadata: Record<string, string>;
  traceparent?: string;
  tracestate?: string;
}

/** Publish written once for every transport: lookup, scoping, CloudEvent wrap, resiliency, errors. */
export class PubSubApi {
  constructor(
    private readonly ctx: UniversalContext,
    private readonly now: () => number = Date.now,
  ) {}

  get appId(): string {
    return this.ctx.appId;
  }

  /**
   * The component, after the name/topic checks every publish makes first (daprd's
   * validateAndGetPubsubAndTopic); `metadata` is the request's, which daprd's errors carry.
   */
  target(pubsubName: string, topic: string, metadata: Record<string, string>): LivePubSub {
    if (!pubsubName) throw Errors.pubsubEmpty(metadata);
    const p = this.ctx.compStore.getPubSub(pubsubName);
    if (!p) throw Errors.pubsubNotFound(pubsubName, metadata);
    if (!topic) throw Errors.topicEmpty(pubsubName, metadata);
    return p;
  }

  /** Topic scoping, which daprd checks last, when the events are made and handed to the broker. */
  private allowPublish(p: LivePubSub, topic: string): void {
    if (!topicScopes(p.metadata, this.ctx.appId).canPublish(topic))
      throw Errors.pubsubForbidden(topic, p.name, this.ctx.appId);
  }

  async publish(input: PublishInput): Promise<void> {
    const p = this.target(input.pubsubName, input.topic, input.metadata);
    const raw = rawPayload(p.name, input.metadata);
    const { data, contentType } = this.encode(
      p,
      raw,
      input.topic,
      input.data,
      input.contentType,
      input.metadata,
      traceOf(input),
    );
    this.allowPublish(p, input.topic);
    try {
      await this.ctx.resiliency.componentOutbound(p.name, 'pubsub')(
        () => p.pubsub.publish({ topic: input.topic, data, contentType, metadata: input.metadata }),
        { operation: 'publish', topic: input.topic },
      );
    } catch (err) {
      throw Errors.pubsubPublishMessage(input.topic, input.pubsubName, err);
    }
  }

  /** Publishes every entry (its own CloudEvent each); returns the failed entries. */
  async bulkPublish(input: BulkPublishInput): Promise<{ entryId: string; error: string }[]> {
    const p = this.target(input.pubsubName, input.topic, input.metadata);
    // As daprd: only the request's rawPayload decides (an entry's own is passed on, not read).
    const raw = rawPayload(p.name, input.metadata);
    const checkEntryId = entryIdCheck(input.topic, p.name, this.ctx.appId);
    const trace = traceOf(input);
    const entries: BulkPublishEntry[] = input.entries.map((e) => {
      checkEntryId(e.entryId);
      const metadata = { ...input.metadata, ...(e.metadata ?? {}) };
      return {
        entryId: e.entryId,
        metadata,
        ...this.encode(p, raw, input.topic, e.event, e.contentType, metadata, trace, e.parsed),
      };
    });
    this.allowPublish(p, input.topic);
    // daprd records a bulk publish as one call (dapr_component_pubsub_egress_bulk_*), not as one
    // egress per entry: `bulk` calls are traced but not counted by the instrumentation.
    const run = this.ctx.resiliency.componentOutbound(p.name, 'pubsub');
    const started = performance.now();
    let failed: { entryId: string; error: string }[] = [];
    try {
      if (isBulkPublisher(p.pubsub)) {
        const pubsub = p.pubsub;
        failed = await run(() => pubsub.bulkPublish(input.topic, entries, input.metadata), {
          operation: 'bulk_publish',
          topic: input.topic,
          bulk: true,
        });
      } else {
        await Promise.all(
          entries.map(async (e) => {
            try {
              await run(
                () =>
                  p.pubsub.publish({
                    topic: input.topic,
                    data: e.data,
                    contentType: e.contentType,
                    metadata: e.metadata,
                  }),
                { operation: 'publish', topic: input.topic, bulk: true },
              );
            } catch (err) {
              failed.push({ entryId: e.entryId, error: err instanceof Error ? err.message : String(err) });
            }
          }),
        );
      }
    } catch (err) {
      this.ctx.metrics?.pubsubEgressBulk(p.name, input.topic, false, 0, performance.now() - started);
      throw err;
    }
    this.ctx.metrics?.pubsubEgressBulk(
      p.name,
      input.topic,
      failed.length === 0,
      entries.length - failed.length,
      performance.now() - started,
    );
    return failed;
  }

  /** Wraps in a CloudEvent unless `raw` (the request's `rawPayload`). */
  private encode(
    p: LivePubSub,
    raw: boolean,
    topic: string,
    body: Buffer | (() => Buffer),
    contentType: string | undefined,
    metadata: Record<string, string>,
    trace: { traceparent?: string; tracestate?: string },
    parsed?: { value: unknown; precise?: boolean },
  ): { data: Buffer; contentType: string } {
    if (raw) return { data: bytesOf(body), contentType: contentType || 'application/octet-stream' };
    try {
      const rawData: RawData = {};
      const ce = buildEnvelope(
        {
          appId: this.ctx.appId,
          pubsubName: p.name,
          topic,
          body,
          contentType,
          parsed,
          metadata,
          traceparent: trace.traceparent,
          tracestate: trace.tracestate,
          nativeTtl: p.pubsub.features().includes(PubSubFeature.MESSAGE_TTL),
          now: this.now,
        },
        rawData,
      );
      return { data: Buffer.from(stringifyEnvelope(ce, rawData)), contentType: CLOUDEVENT_CONTENT_TYPE };
    } catch (err) {
      if (isDaprError(err)) throw err;
      throw Errors.pubsubCloudEventsSer(p.name, this.ctx.appId, err);
    }
  }
}

/**
 * The trace context a CloudEvent carries: the current span's (the publish API call's, as daprd
 * uses its request span) when the call is traced, else the caller's headers passed through.
 */
function traceOf(input: { traceparent?: string; tracestate?: string }): {
  traceparent?: string;
  tracestate?: string;
} {
  const span = currentSpan();
  if (span) return { traceparent: span.traceparent, tracestate: span.tracestate };
  // Untraced and no caller context: daprd's unsampled span still gives the event a trace id.
  return input.traceparent ? input : { traceparent: unsampledTraceparent(), tracestate: input.tracestate };
}

/**
 * The check each entry of one bulk publish passes in turn: an `entryId` present and not used by an
 * earlier entry, or daprd's marshal error.
 */
export function entryIdCheck(topic: string, pubsubName: string, appId: string): (entryId: string) => void {
  const seen = new Set<string>();
  return (entryId) => {
    if (!entryId || seen.has(entryId))
      throw Errors.pubsubMarshalEvents(
        topic,
        pubsubName,
        appId,
        'entryId is duplicated or not present for entry',
      );
    seen.add(entryId);
  };
}

/** `rawPayload` (exact key) must be a Go boolean; anything else is a request metadata error (400). */
export function rawPayload(pubsubName: string, metadata: Record<string, string>): boolean {
  const raw = readRawPayload(metadata);
  if (raw === 'invalid')
    throw Errors.pubsubRequestMetadata(
      pubsubName,
      metadata,
      `rawPayload value must be a valid boolean: actual is '${metadata.rawPayload}'`,
    );
  return raw;
}
