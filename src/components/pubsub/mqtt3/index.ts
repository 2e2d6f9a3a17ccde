import mqtt from 'mqtt';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from '../../../diagnostics/logger.js';
import type { ComponentContext, Pinger } from '../../component.js';
import { corkUntilCheckPhase } from '../../common/cork.js';
import { getMetadataValue } from '../../common/metadata.js';
import { PubSubFeature } from '../features.js';
import type { MessageHandler, PubSub, PublishRequest, SubscribeRequest, Subscription } from '../interface.js';
import { parseMqtt3Metadata, type Mqtt3Metadata } from './metadata.js';
import { Mqtt3Subscription, type Delivery, type DeliveryFate, type DeliveryHost } from './subscription.js';

/** daprd's wait for connect, publish and subscribe acknowledgements. */
const WAIT_MS = 20_000;

/** Passed to mqtt.js's handleMessage callback: go on reading packets, but send no PUBACK (we send it later). */
const DEFER_ACK = new Error('mqtt3: PUBACK deferred until the handler resolved');

/** mqtt.js writes a PUBACK with its internal `_sendPacket` (stable since v4; checked at init). */
type PacketSender = { _sendPacket?: (packet: { cmd: 'puback'; messageId: number }) => void };
const packetSender = (client: MqttClient) => client as unknown as PacketSender;

/**
 * `pubsub.mqtt3`: MQTT 3.1.1 (protocol level 4) with daprd's metadata, one connection whose client id
 * is `consumerID`. QoS 1 PUBACKs are sent only after the handler resolved, in arrival order;
 * deliveries are in order, one at a time per subscription (a bulk subscription: up to its batch
 * size at once); rejected messages are retried in-process (MQTT 3 has no nack).
 * See README.md in this folder.
 */
export class Mqtt3PubSub implements PubSub, Pinger, DeliveryHost {
  private meta!: Mqtt3Metadata;
  private client?: MqttClient;
  /** Increases with every (re)connection: a PUBACK belongs to the connection its PUBLISH came on. */
  private connection = 0;
  /** Per connection number: whether the broker resumed the session (CONNACK sessionPresent). */
  private readonly resumed = new Map<number, boolean>();
  private readonly subs = new Map<string, Mqtt3Subscription>();
  /** QoS 1 messages that arrived with no subscription to take them (e.g. a resumed session before subscribe). */
  private parked: Delivery[] = [];
  private closed = false;
  readonly log: Logger;

  constructor(private readonly ctx: ComponentContext) {
    this.log = ctx.logger.child({ component: ctx.name, type: 'pubsub.mqtt3' });
  }

  async init(): Promise<void> {
    this.meta = parseMqtt3Metadata(this.ctx.name, this.ctx.metadata, this.ctx.appId);
    const m = this.meta;
    const opts: IClientOptions = {
      clientId: m.clientId,
      clean: m.cleanSession,
      protocolVersion: 4,
      reconnectPeriod: 1_000,
      connectTimeout: WAIT_MS,
      resubscribe: true,
      ...(m.username !== undefined ? { username: m.username } : {}),
      ...(m.password !== undefined ? { password: m.password } : {}),
      ...(m.caCert ? { ca: m.caCert } : {}),
      ...(m.clientCert ? { cert: m.clientCert, key: m.clientKey } : {}),
    };
    const client = mqtt.connect(m.url, opts);
    if (typeof packetSender(client)._sendPacket !== 'function') {
      client.end(true);
      throw new Error(
        'pubsub.mqtt3: this mqtt.js version cannot send a deferred PUBACK (_sendPacket missing)',
      );
    }
    this.client = client;
    client.handleMessage = (packet, callback) => callback(packet.qos === 1 ? DEFER_ACK : undefined);
    client.on('message', (topic, payload, packet) => this.onPublish(topic, payload, packet));
    client.on('connect', (connack) => {
      // mqtt.js leaves Nagle's algorithm on: each small PUBLISH/PUBACK would wait up to 40 ms for
      // the previous segment's ACK (measured: +27 ms p50 publish→delivery at 1,000 msg/s).
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      this.onConnect(connack.sessionPresent);
    });
    client.on('close', () => this.onConnectionChanged());
    try {
      await waitForConnect(client);
    } catch (err) {
      client.end(true);
      throw new Error(
        `pubsub.mqtt3 ${this.ctx.name}: cannot connect to ${m.url}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    client.on('error', (err) => this.log.warn({ err }, 'mqtt3: connection error'));
    client.on('offline', () => this.log.warn('mqtt3: offline; reconnecting'));
  }

  features() {
    return [PubSubFeature.SUBSCRIBE_WILDCARDS] as const;
  }

  async ping(): Promise<void> {
    if (!this.live().connected) throw new Error('pubsub.mqtt3: not connected to the broker');
  }

  /** QoS from the component, `retain` from the publish metadata or the component; resolves on PUBACK. */
  async publish(req: PublishRequest): Promise<void> {
    const client = this.live();
    let retain = this.meta.retain;
    const r = getMetadataValue(req.metadata, 'retain');
    if (r !== undefined && r !== '') {
      const v = r.trim().toLowerCase();
      if (!['true', 'false', '1', '0', 't', 'f'].includes(v)) throw new Error(`mqtt3: invalid retain '${r}'`);
      retain = ['true', '1', 't'].includes(v);
    }
    corkUntilCheckPhase(client.stream);
    await withTimeout(
      client.publishAsync(req.topic, req.data, { qos: this.meta.qos, retain }),
      `mqtt3: no acknowledgement for the publish to '${req.topic}' within ${WAIT_MS / 1000}s`,
    );
  }

  /**
   * One handler call at a time; a bulk subscription's batch size, so that a batch can fill (the
   * broker's limit of unacked messages per client still caps it: Mosquitto's is 20).
   */
  handlerWindow(req: SubscribeRequest): number {
    return Math.max(1, req.batchSize ?? 1);
  }

  /**
   * Subscribes at QoS min(qos, 1): only QoS 1 lets the PUBACK wait for the handler (at QoS 2 mqtt.js
   * completes the handshake itself). Messages parked for this filter are delivered first.
   */
  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<Subscription> {
    const client = this.live();
    const filter = req.topic;
    if (this.subs.has(filter))
      throw new Error(`mqtt3: topic '${filter}' is already subscribed on this component`);
    const sub = new Mqtt3Subscription(filter, handler, this, this.handlerWindow(req));
    this.subs.set(filter, sub);
    const adopted = this.parked.filter((d) => sub.matchesExactly(d.topic) || sub.matches(d.topic));
    this.parked = this.parked.filter((d) => !adopted.includes(d));
    for (const d of adopted) sub.push(d);
    try {
      const granted = await withTimeout(
        client.subscribeAsync(filter, { qos: Math.min(this.meta.qos, 1) as 0 | 1 }),
        `mqtt3: no acknowledgement for the subscription to '${filter}' within ${WAIT_MS / 1000}s`,
      );
      if (granted.some((g) => g.qos === 128))
        throw new Error(`mqtt3: the broker refused the subscription to '${filter}'`);
    } catch (err) {
      this.parked.push(...(await this.detach(sub)));
      throw err;
    }
    this.log.info({ topic: filter, qos: Math.min(this.meta.qos, 1) }, 'mqtt3: subscribed');
    const unsubscribeOnClose = ['true', '1', 't'].includes(
      (getMetadataValue(req.metadata, 'unsubscribeOnClose') ?? '').toLowerCase(),
    );
    return { close: () => this.closeSubscription(sub, unsubscribeOnClose) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subs.values()].map((s) => this.detach(s)));
    this.parked = [];
    const client = this.client;
    if (!client) return;
    // Graceful end sends what is queued; a broker that is gone must not hold shutdown.
    await withTimeout(client.endAsync(false), 'end').catch(() => client.endAsync(true));
  }

  /** DeliveryHost: PUBACK on the connection the message came on, never on a later one. */
  ack(d: Delivery): void {
    if (d.qos !== 1 || d.messageId === undefined) return;
    const client = this.client;
    if (!client?.connected || d.connection !== this.connection) {
      this.log.debug(
        { topic: d.topic },
        'mqtt3: connection changed before the ack; the broker redelivers the message',
      );
      return;
    }
    corkUntilCheckPhase(client.stream);
    packetSender(client)._sendPacket?.({ cmd: 'puback', messageId: d.messageId });
  }

  /** DeliveryHost: a resumed session gets the unacked messages of the lost connection again. */
  fate(d: Delivery): DeliveryFate {
    if (d.qos !== 1) return d.connection === this.connection ? 'live' : 'orphan';
    if (d.connection === this.connection) return this.client?.connected ? 'live' : 'waiting';
    return this.resumed.get(d.connection + 1) ? 'resent' : 'orphan';
  }

  private onPublish(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const d: Delivery = {
      topic,
      payload,
      retained: packet.retain,
      qos: packet.qos,
      messageId: packet.messageId,
      connection: this.connection,
    };
    const subs = [...this.subs.values()];
    const sub = subs.find((s) => s.matchesExactly(topic)) ?? subs.find((s) => s.matches(topic));
    if (sub) sub.push(d);
    else if (d.qos === 1 && !this.closed) {
      this.log.debug({ topic }, 'mqtt3: message for a topic with no subscription yet; kept unacknowledged');
      this.parked.push(d);
    }
  }

  private onConnect(sessionPresent: boolean): void {
    this.connection++;
    this.resumed.set(this.connection, sessionPresent);
    this.resumed.delete(this.connection - 5); // only the last few matter
    this.log.info({ sessionPresent }, 'mqtt3: connected');
    this.onConnectionChanged();
  }

  private onConnectionChanged(): void {
    this.parked = this.parked.filter((d) => this.fate(d) !== 'resent');
    for (const s of this.subs.values()) s.connectionChanged();
  }

  /**
   * Stops a subscription. The broker-side subscription stays (so the persistent session keeps
   * collecting messages) unless cleanSession is set or the subscription asked `unsubscribeOnClose`,
   * as on daprd. Messages it had not acked stay parked for a later subscription of the same filter.
   */
  private async closeSubscription(sub: Mqtt3Subscription, unsubscribe: boolean): Promise<void> {
    if (this.subs.get(sub.filter) !== sub) return;
    this.parked.push(...(await this.detach(sub)));
    if ((this.meta.cleanSession || unsubscribe) && !this.closed && this.client?.connected) {
      await withTimeout(this.client.unsubscribeAsync(sub.filter), 'unsubscribe').catch((err) =>
        this.log.warn({ err, topic: sub.filter }, 'mqtt3: unsubscribe failed'),
      );
    }
  }

  private async detach(sub: Mqtt3Subscription): Promise<Delivery[]> {
    const left = await sub.close();
    if (this.subs.get(sub.filter) === sub) this.subs.delete(sub.filter);
    return left;
  }

  private live(): MqttClient {
    if (this.closed) throw new Error(`pubsub.mqtt3 ${this.ctx.name} is closed`);
    if (!this.client) throw new Error(`pubsub.mqtt3 ${this.ctx.name} is not initialised`);
    return this.client;
  }
}

function waitForConnect(client: MqttClient): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    }),
    `no connection within ${WAIT_MS / 1000}s`,
  );
}

function withTimeout<T>(p: Promise<T>, message: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
