import { describe, expect, it } from 'vitest';
import type { ConsumeMessage } from 'amqplib';
import { createLogger } from '../../../diagnostics/logger.js';
import { ComponentMetadataError } from '../../common/metadata.js';
import { parseRabbitMQMetadata } from './metadata.js';
import { publishOptions, toPubSubMessage } from './topology.js';

const parse = (md: Record<string, string>, appId = 'app') => parseRabbitMQMetadata('rabbit', md, appId);
const logger = createLogger({ appId: 'test', level: 'silent' });

describe('pubsub.rabbitmq metadata', () => {
  it("applies daprd's code defaults", () => {
    expect(parse({ connectionString: 'amqp://guest:guest@localhost:5672' })).toMatchObject({
      url: 'amqp://guest:guest@localhost:5672',
      protocol: 'amqp',
      consumerID: 'app',
      durable: true,
      deletedWhenUnused: true,
      autoAck: false,
      requeueInFailure: false,
      enableDeadLetter: false,
      deliveryMode: 0,
      prefetchCount: 0,
      reconnectWaitMs: 3000,
      exchangeKind: 'fanout',
      heartbeatSeconds: 10,
      concurrency: Infinity,
      requeueDelayMs: 1000,
      publishMessagePropertiesToMetadata: false,
    });
  });

  it('builds the URL from hostname, username and password (escaped), and reads the deprecated host key', () => {
    expect(parse({ hostname: 'rabbit:5673', username: 'u@x', password: 'p/w' }).url).toBe(
      'amqp://u%40x:p%2Fw@rabbit:5673',
    );
    expect(parse({}).url).toBe('amqp://localhost');
    expect(parse({ host: 'amqps://h:5671' })).toMatchObject({ url: 'amqps://h:5671', protocol: 'amqps' });
  });

  it('reads durations as Go durations or bare seconds', () => {
    expect(parse({ reconnectWaitSeconds: '10', heartBeat: '30s', ttlInSeconds: '60' })).toMatchObject({
      reconnectWaitMs: 10_000,
      heartbeatSeconds: 30,
      defaultMessageTtlMs: 60_000,
    });
    expect(parse({ reconnectWaitSeconds: '250ms' }).reconnectWaitMs).toBe(250);
  });

  it("reads daprd's concurrencyMode (which wins) and the documented concurrency key, single/parallel/N", () => {
    expect(parse({ concurrencyMode: 'single' }).concurrency).toBe(1);
    expect(parse({ concurrency: 'single' }).concurrency).toBe(1);
    expect(parse({ concurrency: '4' }).concurrency).toBe(4);
    expect(parse({ concurrencyMode: 'parallel', concurrency: 'single' }).concurrency).toBe(Infinity);
  });

  it.each([
    ['connectionString', 'http://x'],
    ['connectionString', 'not a url'],
    ['protocol', 'mqtt'],
    ['deliveryMode', '3'],
    ['prefetchCount', '-1'],
    ['exchangeKind', 'x-delayed'],
    ['reconnectWaitSeconds', 'soon'],
    ['ttlInSeconds', '0'],
    ['concurrency', 'lots'],
    ['durable', 'maybe'],
  ])('names the field in the error for %s=%s', (field, value) => {
    expect(() => parse({ [field]: value })).toThrow(ComponentMetadataError);
    expect(() => parse({ [field]: value })).toThrow(new RegExp(`'${field}'`));
  });

  it('rejects a protocol that contradicts the connection string, and saslExternal without certificates', () => {
    expect(() => parse({ connectionString: 'amqp://h', protocol: 'amqps' })).toThrow(/'protocol'/);
    expect(() => parse({ saslExternal: 'true' })).toThrow(/'saslExternal'/);
  });
});

describe('pubsub.rabbitmq message mapping', () => {
  const meta = parse({});

  it('carries publish metadata as headers and maps daprd keys to AMQP properties', () => {
    const opts = publishOptions(
      {
        topic: 't',
        data: Buffer.from('x'),
        contentType: 'application/cloudevents+json',
        metadata: {
          custom: 'v',
          ttlInSeconds: '5',
          priority: '3',
          messageID: 'm1',
          correlationID: 'c1',
          type: 'ty',
        },
      },
      meta,
      logger,
    );
    expect(opts).toMatchObject({
      contentType: 'application/cloudevents+json',
      expiration: '5000',
      priority: 3,
      messageId: 'm1',
      correlationId: 'c1',
      type: 'ty',
      headers: { custom: 'v', ttlInSeconds: '5' },
    });
    expect(opts.deliveryMode).toBeUndefined();
  });

  it('falls back to the component TTL and deliveryMode, and to text/plain', () => {
    const m = parse({ ttlInSeconds: '2m', deliveryMode: '2' });
    expect(publishOptions({ topic: 't', data: Buffer.alloc(0), metadata: {} }, m, logger)).toMatchObject({
      contentType: 'text/plain',
      expiration: '120000',
      deliveryMode: 2,
    });
  });

  it('hands headers back as metadata, plus daprd-style metadata.* keys when asked', () => {
    const msg = {
      content: Buffer.from('body'),
      fields: {},
      properties: {
        headers: { a: 'x', n: 1, b: Buffer.from('y') },
        contentType: 'text/plain',
        messageId: 'id1',
      },
    } as unknown as ConsumeMessage;
    expect(toPubSubMessage('t', msg, meta)).toEqual({
      topic: 't',
      data: Buffer.from('body'),
      metadata: { a: 'x', n: '1', b: 'y' },
      contentType: 'text/plain',
    });
    const withProps = toPubSubMessage('t', msg, parse({ publishMessagePropertiesToMetadata: 'true' }));
    expect(withProps.metadata).toMatchObject({
      'metadata.messageid': 'id1',
      'metadata.contenttype': 'text/plain',
      'metadata.a': 'x',
    });
  });
});
