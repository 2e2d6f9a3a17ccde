import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
} from '@nats-io/jetstream';
import {
  connect,
  jwtAuthenticator,
  tokenAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
} from '@nats-io/transport-node';
import type { Logger } from '../../../diagnostics/logger.js';
import { corkUntilCheckPhase } from '../../common/cork.js';
import { ComponentMetadataError } from '../../common/metadata.js';
import type { ComponentContext, Pinger } from '../../component.js';
import type { MessageHandler, PubSub, PublishRequest, SubscribeRequest, Subscription } from '../interface.js';
import { ensureConsumer } from './consumer.js';
import { messageId, toHeaders } from './message.js';
import { parseJetStreamMetadata, type JetStreamMetadata } from './metadata.js';
import { StreamResolver } from './streams.js';
import { JetStreamSubscription } from './subscription.js';

/** How long close() lets the connection flush acks before it is closed outright. */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * `pubsub.jetstream`: NATS JetStream with daprd's metadata. Publish waits for the PubAck and carries
 * publish metadata as NATS headers; each subscription reads a durable pull consumer with explicit
 * acks (resolve → ack, reject → nak). Streams are found by subject and created when none captures a
 * topic. The connection reconnects forever. See README.md in this folder.
 */
export class JetStreamPubSub implements PubSub, Pinger {
  private meta!: JetStreamMetadata;
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private streams?: StreamResolver;
  private readonly subs = new Set<JetStreamSubscription>();
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly ctx: ComponentContext) {
    this.log = ctx.logger.child({ component: ctx.name, type: 'pubsub.jetstream' });
  }

  async init(): Promise<void> {
    this.meta = parseJetStreamMetadata(this.ctx.name, this.ctx.metadata, this.ctx.appId);
    const m = this.meta;
    if (m.rateLimit || m.flowControl) {
      this.log.warn(
        'jetstream: rateLimit and flowControl apply to push consumers; this component pulls, so they are ignored',
      );
    }
    try {
      this.nc = await connect(connectionOptions(this.ctx.name, m));
    } catch (err) {
      throw new Error(
        `pubsub.jetstream ${this.ctx.name}: cannot connect to ${m.servers.join(',')}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const jsOpts = {
      ...(m.domain ? { domain: m.domain } : {}),
      ...(m.apiPrefix ? { apiPrefix: m.apiPrefix } : {}),
    };
    try {
      this.jsm = await jetstreamManager(this.nc, jsOpts); // checks the account has JetStream
    } catch (err) {
      await this.nc.close();
      throw new Error(
        `pubsub.jetstream ${this.ctx.name}: JetStream is not available: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    this.js = jetstream(this.nc, jsOpts);
    this.streams = new StreamResolver(this.jsm, m, this.log);
    void this.watchConnection(this.nc);
  }

  features() {
    return [] as const;
  }

  async ping(): Promise<void> {
    await this.live().jsm.getAccountInfo();
  }

  async publish(req: PublishRequest): Promise<void> {
    const { js, streams } = this.live();
    const headers = toHeaders(req, this.log);
    const msgID = messageId(req);
    const send = () => {
      corkUntilCheckPhase(natsSocket(this.nc));
      return js.publish(req.topic, req.data, { headers, msgID });
    };
    await streams.ensure(req.topic);
    let ack: PubAck;
    try {
      ack = await send();
    } catch (err) {
      if ((err as Error).name !== 'JetStreamNotEnabled') throw publishError(req.topic, err);
      // No stream answered: it was deleted since we looked it up. Find or create it again.
      streams.forget(req.topic);
      try {
        await streams.ensure(req.topic);
        ack = await send();
      } catch (err2) {
        throw publishError(req.topic, err2);
      }
    }
    if (ack.duplicate) {
      this.log.warn(
        { topic: req.topic, msgID, stream: ack.stream },
        'jetstream: the stream already holds a message with this id (duplicate window); this publish was not stored again',
      );
    }
  }

  /** `single`: one call at a time (a bulk subscription's batch size); `parallel`: max_ack_pending. */
  handlerWindow(req: SubscribeRequest): number {
    const calls = this.meta.concurrency === 'parallel' ? Infinity : Math.max(1, req.batchSize ?? 1);
    const pending = this.meta.maxAckPending;
    return pending !== undefined && pending > 0 ? Math.min(calls, pending) : calls;
  }

  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<Subscription> {
    const { js, jsm, streams } = this.live();
    const m = this.meta;
    const topic = req.topic;
    const stream = await streams.ensure(topic);
    const ci = await ensureConsumer(jsm, stream, m, topic, this.log);
    const consumer = await js.consumers.get(stream, ci.name);
    const sub = new JetStreamSubscription(consumer, {
      topic,
      handler,
      concurrency: m.concurrency,
      batchSize: req.batchSize,
      ackWaitMs: (ci.config.ack_wait ?? 30e9) / 1e6,
      nakDelayMs: (deliveries) =>
        m.backOffMs.length > 0
          ? m.backOffMs[Math.min(deliveries, m.backOffMs.length) - 1]
          : // daprd naks with the ack wait as delay when one is configured
            (m.ackWaitMs ?? 0),
      idleHeartbeatMs: m.heartbeatMs,
      log: this.log,
      beforeAck: () => corkUntilCheckPhase(natsSocket(this.nc)),
      recover: async () => {
        streams.forget(topic);
        await ensureConsumer(jsm, await streams.ensure(topic), m, topic, this.log);
      },
    });
    await sub.start();
    this.subs.add(sub);
    this.log.info({ topic, stream, consumer: ci.name }, 'jetstream: subscribed');
    return {
      close: async () => {
        this.subs.delete(sub);
        await sub.close();
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subs].map((s) => s.close()));
    this.subs.clear();
    const nc = this.nc;
    if (!nc || nc.isClosed()) return;
    // Drain flushes the acks of the last handlers; a dead connection must not hold shutdown.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      nc.drain().catch(() => undefined),
      new Promise((r) => (timer = setTimeout(r, DRAIN_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (!nc.isClosed()) await nc.close();
  }

  private live() {
    if (this.closed) throw new Error(`pubsub.jetstream ${this.ctx.name} is closed`);
    if (!this.js || !this.jsm || !this.streams)
      throw new Error(`pubsub.jetstream ${this.ctx.name} is not initialised`);
    return { js: this.js, jsm: this.jsm, streams: this.streams };
  }

  private async watchConnection(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect')
        this.log.warn({ server: s.server }, 'jetstream: disconnected; reconnecting');
      else if (s.type === 'reconnect') this.log.info({ server: s.server }, 'jetstream: reconnected');
      else if (s.type === 'error') this.log.warn({ err: s.error }, 'jetstream: connection error');
    }
  }
}

function publishError(topic: string, err: unknown): Error {
  const e = err as Error;
  const msg =
    e.name === 'JetStreamNotEnabled' ? `no stream answered for subject '${topic}' (${e.message})` : e.message;
  return new Error(`jetstream: publish to '${topic}' failed: ${msg}`, { cause: err });
}

/** NATS connection options: reconnect forever; auth per daprd (jwt+seed, or token) plus optional TLS client cert. */
export function connectionOptions(component: string, m: JetStreamMetadata): NodeConnectionOptions {
  const enc = new TextEncoder();
  const opts: NodeConnectionOptions = {
    servers: m.servers,
    name: m.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    // Otherwise every publish (a request for its PubAck) builds an Error with a stack up front,
    // in case it times out: ~6% of the sidecar's CPU per message. Our errors name the operation.
    noAsyncTraces: true,
  };
  if (m.jwt) opts.authenticator = jwtAuthenticator(m.jwt.jwt, enc.encode(m.jwt.seed));
  else if (m.token) opts.authenticator = tokenAuthenticator(m.token);
  if (m.tlsClient) {
    opts.tls = {
      ...pem(component, 'tls_client_cert', 'cert', m.tlsClient.cert),
      ...pem(component, 'tls_client_key', 'key', m.tlsClient.key),
    };
  }
  return opts;
}

/** daprd reads tls_client_cert/key as file paths; PEM text is accepted as well. */
function pem(component: string, field: string, kind: 'cert' | 'key', value: string): Record<string, string> {
  if (value.includes('-----BEGIN')) return { [kind]: value };
  try {
    return { [kind]: readFileSync(value, 'utf8') };
  } catch (err) {
    throw new ComponentMetadataError(component, field, `cannot read '${value}': ${(err as Error).message}`);
  }
}

/**
 * The connection's socket, to cork (`@nats-io/transport-node` keeps it at `protocol.transport.socket`;
 * it changes on reconnect, so it is looked up each time). Undefined if that layout ever differs.
 */
function natsSocket(nc: NatsConnection | undefined): Writable | undefined {
  const socket = (nc as { protocol?: { transport?: { socket?: unknown } } } | undefined)?.protocol?.transport
    ?.socket;
  return socket instanceof Writable ? socket : undefined;
}
