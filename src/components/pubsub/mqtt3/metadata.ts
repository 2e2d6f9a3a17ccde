import * as z from 'zod';
import { ComponentMetadataError, md, parseComponentMetadata } from '../../common/metadata.js';

/** `pubsub.mqtt3` settings: daprd's keys and defaults (contrib `pubsub/mqtt3/metadata.go`). */
export interface Mqtt3Metadata {
  /** Broker URL for mqtt.js (daprd's schemes mapped: tcp → mqtt, ssl/tls/tcps → mqtts), credentials removed. */
  url: string;
  username?: string;
  password?: string;
  /** `consumerID` (the app id by default): the MQTT client id, which names the persistent session. */
  clientId: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  cleanSession: boolean;
  /** PEM text. */
  caCert?: string;
  clientCert?: string;
  clientKey?: string;
  /** Accepted for daprd compatibility; rejected messages are retried in-process until they succeed. */
  backOffMaxRetries: number;
}

const SCHEMES: Record<string, string> = {
  tcp: 'mqtt',
  mqtt: 'mqtt',
  ssl: 'mqtts',
  tls: 'mqtts',
  tcps: 'mqtts',
  mqtts: 'mqtts',
  ws: 'ws',
  wss: 'wss',
};

const pem = (what: string) =>
  md.string().refine((v) => v.includes('-----BEGIN'), `must be PEM text (-----BEGIN ${what}-----...)`);

const schema = z.object({
  url: md.string().min(1, 'is required (e.g. tcp://localhost:1883)'),
  consumerID: md.string().optional(),
  qos: md
    .int()
    .refine((n) => n >= 0 && n <= 2, 'must be 0, 1 or 2')
    .default(1),
  retain: md.bool().default(false),
  cleanSession: md.bool().default(false),
  caCert: pem('CERTIFICATE').optional(),
  clientCert: pem('CERTIFICATE').optional(),
  clientKey: pem('PRIVATE KEY').optional(),
  backOffMaxRetries: md
    .int()
    .refine((n) => n >= -1, 'must be -1 (forever) or more')
    .default(-1),
});

export function parseMqtt3Metadata(
  component: string,
  raw: Record<string, string>,
  appId: string,
): Mqtt3Metadata {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => v.trim() !== '' || k.toLowerCase() === 'url'),
  );
  const m = parseComponentMetadata(component, schema, present);
  const fail = (field: string, msg: string) => new ComponentMetadataError(component, field, msg);

  let u: URL;
  try {
    u = new URL(m.url.trim());
  } catch {
    throw fail('url', `'${m.url}' is not a URL (e.g. tcp://localhost:1883)`);
  }
  const scheme = SCHEMES[u.protocol.replace(/:$/, '').toLowerCase()];
  if (!scheme)
    throw fail(
      'url',
      `scheme '${u.protocol}' is not one of tcp://, mqtt://, ssl://, mqtts://, ws://, wss://`,
    );
  if (!u.hostname) throw fail('url', 'has no host');
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.username = '';
  u.password = '';
  const url = `${scheme}://${u.host}${u.pathname === '/' ? '' : u.pathname}`;

  if (m.clientCert && !m.clientKey) throw fail('clientKey', 'is required with clientCert');
  if (m.clientKey && !m.clientCert) throw fail('clientCert', 'is required with clientKey');
  const clientId = m.consumerID || appId;
  if (!clientId) throw fail('consumerID', 'is required when the app id is empty');

  return {
    url,
    username,
    password,
    clientId,
    qos: m.qos as 0 | 1 | 2,
    retain: m.retain,
    cleanSession: m.cleanSession,
    caCert: m.caCert,
    clientCert: m.clientCert,
    clientKey: m.clientKey,
    backOffMaxRetries: m.backOffMaxRetries,
  };
}
