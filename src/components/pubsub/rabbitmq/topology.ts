import type { Channel, ConsumeMessage, Options } from 'amqplib';
import type { Logger } from '../../../diagnostics/logger.js';
import { getMetadataValue, isTruthy, parseDurationMs } from '../../common/metadata.js';
import type { PublishRequest, PubSubMessage } from '../interface.js';
import type { ExchangeSpec } from './connection.js';
import type { RabbitMQMetadata } from './metadata.js';

/** The exchange daprd declares for a topic: named after it, of `exchangeKind`. */
export function topicExchange(meta: RabbitMQMetadata, topic: string): ExchangeSpec {
  return { name: topic, kind: meta.exchangeKind, durable: meta.durable, autoDelete: meta.deletedWhenUnused };
}

/**
 * daprd's topology for a subscription: the topic exchange; with `enableDeadLetter`, a fanout
 * exchange `dlx-<queue>` and a lazy durable queue `dlq-<queue>`; the queue itself (classic unless
 * `queueType` says quorum, with daprd's arguments, so both runtimes can declare the same queue);
 * bindings for each `routingKey` (comma list; '' by default).
 */
export async function declareTopology(
  ch: Channel,
  meta: RabbitMQMetadata,
  topic: string,
  queue: string,
  sub: Record<string, string>,
): Promise<void> {
  const ex = topicExchange(meta, topic);
  await ch.assertExchange(ex.name, ex.kind, { durable: ex.durable, autoDelete: ex.autoDelete });
  const args: Record<string, unknown> = {};
  if (meta.enableDeadLetter) {
    const dlx = `dlx-${queue}`;
    const dlq = `dlq-${queue}`;
    await ch.assertExchange(dlx, 'fanout', { durable: true, autoDelete: meta.deletedWhenUnused });
    await ch.assertQueue(dlq, {
      durable: true,
      autoDelete: meta.deletedWhenUnused,
      arguments: { ...lengthArgs(meta), 'x-queue-mode': 'lazy' },
    });
    await ch.bindQueue(dlq, dlx, '');
    args['x-dead-letter-exchange'] = dlx;
  }
  Object.assign(args, lengthArgs(meta));
  const maxPriority = uint(sub, 'maxPriority');
  if (maxPriority !== undefined) args['x-max-priority'] = Math.min(maxPriority, 255);
  const queueType = getMetadataValue(sub, 'queueType') || 'classic';
  if (queueType !== 'classic' && queueType !== 'quorum') {
    throw new Error(`invalid queue type ${queueType}. Valid types are classic and quorum`);
  }
  args['x-queue-type'] = queueType;
  if (isTruthy(getMetadataValue(sub, 'singleActiveConsumer'))) args['x-single-active-consumer'] = true;
  const maxLenBytes = uint(sub, 'maxLenBytes');
  if (maxLenBytes !== undefined) args['x-max-length-bytes'] = maxLenBytes;
  const maxLen = uint(sub, 'maxLen');
  if (maxLen !== undefined) args['x-max-length'] = maxLen;
  await ch.assertQueue(queue, { durable: meta.durable, autoDelete: meta.deletedWhenUnused, arguments: args });
  for (const key of (getMetadataValue(sub, 'routingKey') ?? '').split(',')) {
    await ch.bindQueue(queue, topic, key);
  }
}

function lengthArgs(meta: RabbitMQMetadata): Record<string, number> {
  const args: Record<string, number> = {};
  if (meta.maxLen > 0) args['x-max-length'] = meta.maxLen;
  if (meta.maxLenBytes > 0) args['x-max-length-bytes'] = meta.maxLenBytes;
  return args;
}

function uint(sub: Record<string, string>, key: string): number | undefined {
  const v = getMetadataValue(sub, key);
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v.trim()))
    throw new Error(`subscription metadata ${key}: '${v}' is not a non-negative integer`);
  return Number(v);
}

/**
 * AMQP properties for a publish. Publish metadata travels as headers (handed back on delivery);
 * daprd's keys map to properties: `contentType`, `messageID`, `correlationID`, `type`, `priority`,
 * and `ttlInSeconds`/`ttl` (Go duration or seconds) → per-message `expiration`, falling back to the
 * component's `ttlInSeconds`.
 */
export function publishOptions(req: PublishRequest, meta: RabbitMQMetadata, logger: Logger): Options.Publish {
  const md = req.metadata;
  const opts: Options.Publish = {
    contentType: getMetadataValue(md, 'contentType') || req.contentType || 'text/plain',
    headers: { ...md },
  };
  if (meta.deliveryMode > 0) opts.deliveryMode = meta.deliveryMode;
  const ttl = getMetadataValue(md, 'ttlInSeconds') || getMetadataValue(md, 'ttl');
  const ttlMs = ttl ? parseDurationMs(ttl, 'seconds') : meta.defaultMessageTtlMs;
  if (ttl && (ttlMs === undefined || ttlMs <= 0)) {
    logger.warn({ topic: req.topic, ttl }, 'rabbitmq: invalid ttl in publish metadata; ignored');
  } else if (ttlMs !== undefined) {
    opts.expiration = String(Math.ceil(ttlMs));
  }
  const priority = getMetadataValue(md, 'priority');
  if (priority) {
    if (/^\d+$/.test(priority) && Number(priority) <= 255) opts.priority = Number(priority);
    else
      logger.warn({ topic: req.topic, priority }, 'rabbitmq: invalid priority in publish metadata; ignored');
  }
  const messageId = getMetadataValue(md, 'messageID');
  if (messageId) opts.messageId = messageId;
  const correlationId = getMetadataValue(md, 'correlationID');
  if (correlationId) opts.correlationId = correlationId;
  const type = getMetadataValue(md, 'type');
  if (type) opts.type = type;
  return opts;
}

/**
 * The message handed to the runtime: headers become metadata (the publish metadata daprts sent),
 * and with `publishMessagePropertiesToMetadata` also daprd's `metadata.<property>` keys.
 */
export function toPubSubMessage(topic: string, msg: ConsumeMessage, meta: RabbitMQMetadata): PubSubMessage {
  const metadata: Record<string, string> = {};
  const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(headers)) {
    const s = headerText(v);
    if (s !== undefined) metadata[k] = s;
  }
  if (meta.publishMessagePropertiesToMetadata) {
    const p = msg.properties;
    const props: [string, unknown][] = [
      ['messageid', p.messageId],
      ['correlationid', p.correlationId],
      ['type', p.type],
      ['contenttype', p.contentType],
    ];
    for (const [k, v] of props) if (v) metadata[`metadata.${k}`] = String(v);
    for (const [k, v] of Object.entries(headers)) {
      const s = headerText(v);
      if (s !== undefined) metadata[`metadata.${k}`] = s;
    }
  }
  const contentType = msg.properties.contentType as string | undefined;
  return { topic, data: msg.content, metadata, ...(contentType ? { contentType } : {}) };
}

function headerText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
