import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../diagnostics/logger.js';
import { ComponentMetadataError } from '../../common/metadata.js';
import { parseRedisPubSubMetadata } from './metadata.js';
import { entriesOfReadReply, parseAutoClaimReply, toMessage, xaddArgs } from './streams.js';

const parse = (md: Record<string, string>, appId = 'app') =>
  parseRedisPubSubMetadata('redis-pubsub', { redisHost: 'localhost:6379', ...md }, appId);

describe('pubsub.redis metadata', () => {
  it("applies daprd's code defaults (processingTimeout 60s, redeliverInterval 15s: the docs had them swapped)", () => {
    const m = parse({});
    expect(m).toMatchObject({
      consumerGroup: 'app',
      processingTimeoutMs: 60_000,
      redeliverIntervalMs: 15_000,
      keepAliveIntervalMs: 10_000,
      queueDepth: 100,
      concurrency: 10,
      maxLenApprox: 0,
      streamTtlMs: 0,
    });
    expect(m.connection).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
  });

  it('reads bare numbers for processingTimeout and redeliverInterval as milliseconds, like daprd', () => {
    expect(parse({ processingTimeout: '30000', redeliverInterval: '5000' })).toMatchObject({
      processingTimeoutMs: 30_000,
      redeliverIntervalMs: 5_000,
    });
  });

  it('accepts Go durations for both (daprd silently ignored them for redeliverInterval)', () => {
    expect(parse({ processingTimeout: '2m', redeliverInterval: '30s' })).toMatchObject({
      processingTimeoutMs: 120_000,
      redeliverIntervalMs: 30_000,
    });
  });

  it('reads streamTTL as a duration, bare numbers as seconds; maxLenApprox as an integer', () => {
    expect(parse({ streamTTL: '1h', maxLenApprox: '1000' })).toMatchObject({
      streamTtlMs: 3_600_000,
      maxLenApprox: 1000,
    });
    expect(parse({ streamTTL: '90' }).streamTtlMs).toBe(90_000);
  });

  it('uses consumerID as the consumer group, the app id otherwise; keys are case-insensitive', () => {
    expect(parse({ ConsumerId: 'group-a' }).consumerGroup).toBe('group-a');
    expect(parse({ consumerID: '' }, 'orders').consumerGroup).toBe('orders');
  });

  it('0 disables redelivery and with it the keep-alive', () => {
    const m = parse({ processingTimeout: '0' });
    expect(m.processingTimeoutMs).toBe(0);
    expect(m.keepAliveIntervalMs).toBe(0);
  });

  it.each([
    ['processingTimeout', 'soon'],
    ['redeliverInterval', '-5s'],
    ['queueDepth', '0'],
    ['concurrency', 'many'],
    ['maxLenApprox', '-1'],
    ['streamTTL', '1 day'],
  ])('names the field in the error for %s=%s', (field, value) => {
    expect(() => parse({ [field]: value })).toThrow(ComponentMetadataError);
    expect(() => parse({ [field]: value })).toThrow(new RegExp(`'${field}'`));
  });

  it('rejects a keep-alive that is not shorter than processingTimeout', () => {
    expect(() => parse({ processingTimeout: '10s', entryKeepAliveInterval: '10s' })).toThrow(
      /entryKeepAliveInterval/,
    );
  });

  it('requires redisHost', () => {
    expect(() => parseRedisPubSubMetadata('c', {}, 'app')).toThrow(/'redisHost'/);
  });
});

describe('pubsub.redis stream layout', () => {
  const logger = createLogger({ appId: 'test', level: 'silent' });

  it('XADDs data and metadata fields, trimming with MAXLEN ~ or MINID ~', () => {
    const data = Buffer.from('x');
    expect(xaddArgs('t', data, { a: '1' }, { maxLenApprox: 0, streamTtlMs: 0, now: 0 })).toEqual([
      't',
      '*',
      'data',
      data,
      'metadata',
      '{"a":"1"}',
    ]);
    expect(xaddArgs('t', data, {}, { maxLenApprox: 10, streamTtlMs: 5000, now: 0 })).toEqual([
      't',
      'MAXLEN',
      '~',
      10,
      '*',
      'data',
      data,
    ]);
    expect(xaddArgs('t', data, {}, { maxLenApprox: 0, streamTtlMs: 5000, now: 10_000 }).slice(1, 4)).toEqual([
      'MINID',
      '~',
      '5000-1',
    ]);
  });

  it('reads XREADGROUP replies in the RESP2 and the RESP3 shape', () => {
    const entry = [Buffer.from('1-0'), [Buffer.from('data'), Buffer.from('d')]];
    const resp2 = [[Buffer.from('t'), [entry]]];
    const resp3 = [Buffer.from('t'), [entry]];
    for (const reply of [resp2, resp3]) {
      const [e] = entriesOfReadReply(reply);
      expect(e.id).toBe('1-0');
      expect(e.fields?.get('data')?.toString()).toBe('d');
    }
    expect(entriesOfReadReply(null)).toEqual([]);
    expect(entriesOfReadReply([Buffer.from('t'), [[Buffer.from('2-0'), null]]])).toEqual([
      { id: '2-0', fields: null },
    ]);
  });

  it('reads XAUTOCLAIM replies', () => {
    const reply = [
      Buffer.from('0-0'),
      [[Buffer.from('1-0'), [Buffer.from('data'), Buffer.from('x')]]],
      [Buffer.from('3-0')],
    ];
    const r = parseAutoClaimReply(reply);
    expect(r.next).toBe('0-0');
    expect(r.entries.map((e) => e.id)).toEqual(['1-0']);
    expect(r.deleted).toEqual(['3-0']);
  });

  it('decodes metadata as daprd does: JSON object of strings, ignored when invalid', () => {
    const fields = (md?: string) =>
      new Map([
        ['data', Buffer.from('p')],
        ...(md === undefined ? [] : [['metadata', Buffer.from(md)] as const]),
      ]);
    expect(toMessage('t', { id: '1-0', fields: fields('{"a":"1","n":2}') }, logger)).toEqual({
      topic: 't',
      data: Buffer.from('p'),
      metadata: { a: '1', n: '2' },
    });
    expect(toMessage('t', { id: '1-0', fields: fields() }, logger).metadata).toEqual({});
    expect(toMessage('t', { id: '1-0', fields: fields('not json') }, logger).metadata).toEqual({});
  });
});
