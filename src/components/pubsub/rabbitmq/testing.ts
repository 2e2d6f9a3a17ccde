import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { Subscription } from '../interface.js';
import { testContext } from '../redis/testing.js';
import { RabbitMQPubSub } from './index.js';

export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const run = promisify(execFile);

/**
 * Opens components and subscriptions for a test file and removes what they leave on the shared
 * broker (queues, dead-letter queues and exchanges named after the file's unique prefix).
 */
export class RabbitFixture {
  readonly prefix = `daprts-test-${randomUUID().slice(0, 8)}`;
  private readonly open: RabbitMQPubSub[] = [];
  private readonly subs: Subscription[] = [];
  private readonly queues = new Set<string>();
  private readonly exchanges = new Set<string>();
  private admin?: ChannelModel;
  private n = 0;

  topic(): string {
    const t = `${this.prefix}-t${++this.n}`;
    this.exchanges.add(t);
    return t;
  }

  /** An app id unique to this file, so queue names (`<appId>-<topic>`) do not collide across runs. */
  app(name: string): string {
    return `${this.prefix}-${name}`;
  }

  async pubsub(metadata: Record<string, string> = {}, appId = this.app('app')): Promise<RabbitMQPubSub> {
    const p = new RabbitMQPubSub(
      testContext('pubsub.rabbitmq', { connectionString: AMQP_URL, ...metadata }, appId),
    );
    await p.init();
    this.open.push(p);
    return p;
  }

  async subscribe(
    p: RabbitMQPubSub,
    topic: string,
    handler: Parameters<RabbitMQPubSub['subscribe']>[1],
    appId?: string,
    metadata: Record<string, string> = {},
  ) {
    const s = await p.subscribe({ topic, metadata }, handler);
    const queue = metadata.queueName ?? `${appId ?? this.app('app')}-${topic}`;
    this.queues.add(queue).add(`dlq-${queue}`);
    this.exchanges.add(`dlx-${queue}`);
    this.subs.push(s);
    return s;
  }

  /** A raw channel for looking at the broker. */
  async channel(): Promise<Channel> {
    this.admin ??= await amqp.connect(AMQP_URL, { noDelay: true });
    const ch = await this.admin.createChannel();
    ch.on('error', () => undefined);
    return ch;
  }

  /** Ready messages in a queue (not counting those delivered and unacked). */
  async depth(queue: string): Promise<number> {
    const ch = await this.channel();
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.subs.splice(0).map((s) => s.close()));
    await Promise.allSettled(this.open.splice(0).map((p) => p.close()));
  }

  async cleanup(): Promise<void> {
    await this.closeAll();
    const ch = await this.channel();
    for (const q of this.queues) await ch.deleteQueue(q).catch(() => undefined);
    for (const e of this.exchanges) await ch.deleteExchange(e).catch(() => undefined);
    await this.admin?.close().catch(() => undefined);
  }
}

/** Whether `rabbitmqctl` can talk to the local broker (it needs the Erlang cookie). */
export async function canUseRabbitmqctl(): Promise<boolean> {
  try {
    await run('rabbitmqctl', ['-q', 'list_connections', 'pid'], { timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/** Closes, from the broker's side, every connection whose `connection_name` is `name`. */
export async function closeConnectionsNamed(name: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    '--no-table-headers',
    'list_connections',
    'pid',
    'client_properties',
  ]);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${name}"}`))
    .map((line) => line.split('\t')[0]);
  for (const pid of pids) await run('rabbitmqctl', ['close_connection', pid, 'daprts test']);
  return pids.length;
}
