import { describe, expect, it } from 'vitest';
import { fieldOf } from '../../../../test/helpers/component-metadata.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumerConfig, consumerNames } from './consumer.js';
import { connectionOptions } from './index.js';
import { parseJetStreamMetadata } from './metadata.js';
import { natsName } from './streams.js';

const parse = (raw: Record<string, string>, appId = 'app') => parseJetStreamMetadata('js', raw, appId);
const URL = { natsURL: 'nats://localhost:4222' };

describe('pubsub.jetstream metadata', () => {
  it("applies daprd's defaults", () => {
    const m = parse(URL);
    expect(m).toMatchObject({
      servers: ['nats://localhost:4222'],
      name: 'dapr.io - pubsub.jetstream',
      deliverPolicy: 'all',
      concurrency: 'single',
      consumerID: 'app',
      memoryStorage: false,
      flowControl: false,
      backOffMs: [],
    });
    expect(m.maxDeliver).toBeUndefined(); // unlimited: nothing is given up
  });

  it('reads every key (case-insensitively) with Go durations and bare seconds', () => {
    const m = parse({
      natsurl: 'nats://a:4222, nats://b:4222',
      Token: 'tok',
      deliverPolicy: 'time',
      startTime: '1700000000',
      ackWait: '45s',
      maxDeliver: '10',
      backOff: '[1s, 2.5s, 10]',
      maxAckPending: '50',
      replicas: '3',
      memoryStorage: 'true',
      heartbeat: '5s',
      concurrency: 'parallel',
      durableName: 'd',
      consumerID: 'group',
    });
    expect(m.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(m.token).toBe('tok');
    expect(m.startTime?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(m.ackWaitMs).toBe(45_000);
    expect(m.backOffMs).toEqual([1000, 2500, 10_000]);
    expect(m).toMatchObject({
      maxDeliver: 10,
      maxAckPending: 50,
      replicas: 3,
      memoryStorage: true,
      heartbeatMs: 5000,
    });
    expect(m.concurrency).toBe('parallel');
    expect(m.consumerID).toBe('group');
  });

  it('names the field of each invalid value', () => {
    expect(fieldOf(() => parse({}))).toBe('natsURL');
    expect(fieldOf(() => parse({ natsURL: '' }))).toBe('natsURL');
    expect(fieldOf(() => parse({ ...URL, jwt: 'eyJ' }))).toBe('seedKey');
    expect(fieldOf(() => parse({ ...URL, seedKey: 'SUABC' }))).toBe('jwt');
    expect(fieldOf(() => parse({ ...URL, jwt: 'eyJ', seedKey: 'not-a-seed' }))).toBe('seedKey');
    expect(fieldOf(() => parse({ ...URL, tls_client_cert: '/c.pem' }))).toBe('tls_client_key');
    expect(fieldOf(() => parse({ ...URL, tls_client_key: '/k.pem' }))).toBe('tls_client_cert');
    expect(fieldOf(() => parse({ ...URL, deliverPolicy: 'first' }))).toBe('deliverPolicy');
    expect(fieldOf(() => parse({ ...URL, deliverPolicy: 'sequence' }))).toBe('startSequence');
    expect(fieldOf(() => parse({ ...URL, deliverPolicy: 'time' }))).toBe('startTime');
    expect(fieldOf(() => parse({ ...URL, startSequence: '5' }))).toBe('startSequence');
    expect(fieldOf(() => parse({ ...URL, ackPolicy: 'none' }))).toBe('ackPolicy');
    expect(fieldOf(() => parse({ ...URL, ackWait: 'soon' }))).toBe('ackWait');
    expect(fieldOf(() => parse({ ...URL, maxDeliver: 'x' }))).toBe('maxDeliver');
    expect(fieldOf(() => parse({ ...URL, backOff: '1s,later' }))).toBe('backOff');
    expect(fieldOf(() => parse({ ...URL, backOff: '1s,2s', maxDeliver: '2' }))).toBe('maxDeliver');
    expect(fieldOf(() => parse({ ...URL, concurrency: 'many' }))).toBe('concurrency');
    expect(fieldOf(() => parse({ ...URL, memoryStorage: 'perhaps' }))).toBe('memoryStorage');
  });

  it('treats empty values and 0 as unset, as daprd does', () => {
    const m = parse({
      ...URL,
      ackPolicy: 'explicit',
      maxDeliver: '0',
      maxAckPending: '0',
      startTime: '0',
      durableName: '',
    });
    expect(m.maxDeliver).toBeUndefined();
    expect(m.maxAckPending).toBeUndefined();
    expect(m.startTime).toBeUndefined();
    expect(m.durableName).toBeUndefined();
  });

  it('builds an explicit-ack durable consumer; the server backoff only with a finite maxDeliver', () => {
    const unlimited = consumerConfig(parse({ ...URL, backOff: '1s', ackWait: '10s' }), 'c', 'orders');
    expect(unlimited).toMatchObject({
      durable_name: 'c',
      ack_policy: 'explicit',
      deliver_policy: 'all',
      filter_subject: 'orders',
    });
    expect(unlimited.backoff).toBeUndefined();
    expect(unlimited.max_deliver).toBeUndefined();
    expect(unlimited.ack_wait).toBe(10e9);
    const bounded = consumerConfig(parse({ ...URL, backOff: '1s,2s', maxDeliver: '5' }), 'c', 'orders');
    expect(bounded).toMatchObject({ backoff: [1e9, 2e9], max_deliver: 5 });
    const seq = consumerConfig(parse({ ...URL, deliverPolicy: 'sequence', startSequence: '7' }), 'c', 'o');
    expect(seq).toMatchObject({ deliver_policy: 'by_start_sequence', opt_start_seq: 7 });
  });

  it('derives durable names from durableName, queueGroupName or consumerID', () => {
    expect(consumerNames(parse({ ...URL, durableName: 'dur' }), 'orders')).toEqual(['dur', 'dur-orders']);
    expect(consumerNames(parse({ ...URL, queueGroupName: 'q' }), 'orders')).toEqual(['q-orders']);
    expect(consumerNames(parse(URL, 'myapp'), 'orders')).toEqual(['myapp-orders']);
    expect(() => consumerNames(parse(URL, ''), 'orders')).toThrow(/consumerID/);
  });

  it('makes valid, distinct NATS names from any topic', () => {
    expect(natsName('orders')).toBe('orders');
    expect(natsName('orders.created')).toMatch(/^orders_created_[0-9a-f]{8}$/);
    expect(natsName('orders.created')).not.toBe(natsName('orders_created'));
    expect(natsName('a/b c>*')).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('maps auth: jwt+seed or token authenticators, TLS client cert from PEM text or a file', () => {
    const seed = 'SUAELX7XZIRRCNOQKCXQWFN6M3EBKUTBWK6YQKL4QFLKCUQJSEZL7ZCL7KQ';
    const jwt = connectionOptions('js', parse({ ...URL, jwt: 'eyJ', seedKey: seed, token: 'ignored' }));
    expect(typeof jwt.authenticator).toBe('function');
    expect(connectionOptions('js', parse(URL)).authenticator).toBeUndefined();
    const token = connectionOptions('js', parse({ ...URL, token: 't' }));
    expect((token.authenticator as () => unknown)()).toEqual({ auth_token: 't' });
    expect(connectionOptions('js', parse(URL))).toMatchObject({
      name: 'dapr.io - pubsub.jetstream',
      maxReconnectAttempts: -1,
    });

    const dir = mkdtempSync(join(tmpdir(), 'js-tls-'));
    writeFileSync(join(dir, 'c.pem'), '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n');
    const pemKey = '-----BEGIN PRIVATE KEY-----\nY\n-----END PRIVATE KEY-----\n';
    const tls = connectionOptions(
      'js',
      parse({ ...URL, tls_client_cert: join(dir, 'c.pem'), tls_client_key: pemKey }),
    );
    expect(tls.tls?.cert).toContain('BEGIN CERTIFICATE');
    expect(tls.tls?.key).toBe(pemKey);
    expect(
      fieldOf(() =>
        connectionOptions(
          'js',
          parse({ ...URL, tls_client_cert: join(dir, 'nope.pem'), tls_client_key: pemKey }),
        ),
      ),
    ).toBe('tls_client_cert');
  });
});
