import { describe, expect, it } from 'vitest';
import { fieldOf } from '../../../../test/helpers/component-metadata.js';
import { parseMqtt3Metadata } from './metadata.js';
import { retryDelayMs } from './subscription.js';
import { deliveredFilter, topicMatches } from './topics.js';

const parse = (raw: Record<string, string>, appId = 'app') => parseMqtt3Metadata('mq', raw, appId);
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';

describe('pubsub.mqtt3 metadata', () => {
  it("applies daprd's defaults; the client id is the app id", () => {
    expect(parse({ url: 'tcp://localhost:1883' })).toMatchObject({
      url: 'mqtt://localhost:1883',
      clientId: 'app',
      qos: 1,
      retain: false,
      cleanSession: false,
      backOffMaxRetries: -1,
    });
  });

  it("maps daprd's URL schemes and moves credentials out of the URL", () => {
    expect(parse({ url: 'ssl://u%40x:p%3Aw@broker:8883' })).toMatchObject({
      url: 'mqtts://broker:8883',
      username: 'u@x',
      password: 'p:w',
    });
    expect(parse({ url: 'mqtt://h:1' }).url).toBe('mqtt://h:1');
    expect(parse({ url: 'tls://h:1' }).url).toBe('mqtts://h:1');
    expect(parse({ url: 'ws://h:9001/mqtt' }).url).toBe('ws://h:9001/mqtt');
  });

  it('reads the other keys', () => {
    const m = parse({
      url: 'tcp://h:1',
      consumerID: 'client-1',
      qos: '2',
      retain: 'true',
      cleanSession: 'true',
      caCert: PEM,
      clientCert: PEM,
      clientKey: KEY,
      backOffMaxRetries: '3',
    });
    expect(m).toMatchObject({
      clientId: 'client-1',
      qos: 2,
      retain: true,
      cleanSession: true,
      backOffMaxRetries: 3,
    });
    expect(m.caCert).toBe(PEM);
  });

  it('names the field of each invalid value', () => {
    expect(fieldOf(() => parse({}))).toBe('url');
    expect(fieldOf(() => parse({ url: '' }))).toBe('url');
    expect(fieldOf(() => parse({ url: 'localhost:1883' }))).toBe('url');
    expect(fieldOf(() => parse({ url: 'http://h:1' }))).toBe('url');
    expect(fieldOf(() => parse({ url: 'tcp://h:1', qos: '3' }))).toBe('qos');
    expect(fieldOf(() => parse({ url: 'tcp://h:1', retain: 'maybe' }))).toBe('retain');
    expect(fieldOf(() => parse({ url: 'tcp://h:1', cleanSession: 'x' }))).toBe('cleanSession');
    expect(fieldOf(() => parse({ url: 'tcp://h:1', caCert: 'not pem' }))).toBe('caCert');
    expect(fieldOf(() => parse({ url: 'tcp://h:1', clientCert: PEM }))).toBe('clientKey');
    expect(fieldOf(() => parse({ url: 'tcp://h:1', clientKey: KEY }))).toBe('clientCert');
    expect(fieldOf(() => parse({ url: 'tcp://h:1', backOffMaxRetries: 'x' }))).toBe('backOffMaxRetries');
    expect(fieldOf(() => parse({ url: 'tcp://h:1' }, ''))).toBe('consumerID');
  });
});

describe('pubsub.mqtt3 topics', () => {
  it('matches MQTT wildcards', () => {
    expect(topicMatches('a/b', 'a/b')).toBe(true);
    expect(topicMatches('a/+', 'a/b')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('a/+', 'a')).toBe(false);
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('+/b', 'x/b')).toBe(true);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
    expect(topicMatches('a/b', 'a/c')).toBe(false);
  });

  it('strips the shared-subscription prefix', () => {
    expect(deliveredFilter('$share/group/orders/+')).toBe('orders/+');
    expect(deliveredFilter('orders')).toBe('orders');
  });

  it('backs off in-process retries from 100 ms to 5 s', () => {
    expect([1, 2, 3, 7, 50].map(retryDelayMs)).toEqual([100, 200, 400, 5000, 5000]);
  });
});
