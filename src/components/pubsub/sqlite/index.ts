import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as z from 'zod';
import type { ComponentContext } from '../../component.js';
import { md, parseComponentMetadata } from '../../common/metadata.js';
import type { MessageHandler, PubSub, PublishRequest, SubscribeRequest, Subscription } from '../interface.js';

const schema = z.object({
  connectionString: z.string().min(1, 'connectionString (a file path) is required'),
  consumerID: z.string().min(1),
  pollInterval: md.duration('milliseconds').default(200),
  retryInterval: md.duration('milliseconds').default(1000),
  retention: md.duration().default(24 * 3600 * 1000),
});

interface Row {
  seq: number;
  data: Buffer;
  metadata: string;
  content_type: string | null;
}

/**
 * `pubsub.sqlite` (a daprts component; the embedded default `pubsub`): a durable log in a local
 * file. Each consumer group (consumerID) has a cursor per topic; messages are delivered in publish
 * order, one at a time, and the cursor moves only after the handler resolved — a rejected message is
 * retried (in order) after `retryInterval`, so nothing is skipped or lost across restarts. Several
 * processes may share the file (WAL); delivery polls every `pollInterval`. Messages every group has
 * passed are removed after `retention`.
 */
export class SqlitePubSub implements PubSub {
  private db?: Database.Database;
  private readonly wakeups = new Set<() => void>();
  private cfg!: z.output<typeof schema>;

  constructor(private readonly ctx: ComponentContext) {}

  async init(): Promise<void> {
    this.cfg = parseComponentMetadata(this.ctx.name, schema, this.ctx.metadata);
    mkdirSync(dirname(this.cfg.connectionString), { recursive: true });
    const db = new Database(this.cfg.connectionString);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS pubsub_messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, data BLOB NOT NULL,
        metadata TEXT NOT NULL, content_type TEXT, published_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS pubsub_messages_topic ON pubsub_messages (topic, seq);
      CREATE TABLE IF NOT EXISTS pubsub_cursors (
        consumer_group TEXT NOT NULL, topic TEXT NOT NULL, acked_seq INTEGER NOT NULL,
        PRIMARY KEY (consumer_group, topic));`);
    this.db = db;
  }

  async close(): Promise<void> {
    this.wakeups.clear();
    this.db?.close();
    this.db = undefined;
  }

  features() {
    return [] as const;
  }

  async publish(req: PublishRequest): Promise<void> {
    this.database()
      .prepare(
        'INSERT INTO pubsub_messages (topic, data, metadata, content_type, published_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(req.topic, req.data, JSON.stringify(req.metadata), req.contentType ?? null, this.ctx.now());
    for (const wake of this.wakeups) wake();
  }

  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<Subscription> {
    const db = this.database();
    const group = req.metadata.consumerID || this.cfg.consumerID;
    // A new group starts at the beginning of what is retained (like a Redis Streams group at 0).
    db.prepare(
      'INSERT OR IGNORE INTO pubsub_cursors (consumer_group, topic, acked_seq) VALUES (?, ?, 0)',
    ).run(group, req.topic);
    let closed = false;
    let wake: () => void = () => undefined;
    const loop = (async () => {
      while (!closed) {
        const row = this.next(group, req.topic);
        if (!row) {
          await new Promise<void>((r) => {
            wake = r;
            this.wakeups.add(r);
            setTimeout(r, this.cfg.pollInterval).unref();
          });
          this.wakeups.delete(wake);
          continue;
        }
        try {
          await handler({
            topic: req.topic,
            data: row.data,
            metadata: JSON.parse(row.metadata) as Record<string, string>,
            contentType: row.content_type ?? undefined,
          });
          if (closed || !this.db) return;
          this.ack(group, req.topic, row.seq);
        } catch (err) {
          this.ctx.logger.warn(
            { err: (err as Error).message, topic: req.topic },
            'message not processed; redelivering it in order',
          );
          await new Promise((r) => setTimeout(r, this.cfg.retryInterval).unref());
        }
      }
    })();
    return {
      close: async () => {
        closed = true;
        wake();
        await loop;
      },
    };
  }

  private next(group: string, topic: string): Row | undefined {
    return this.database()
      .prepare(
        `SELECT m.seq, m.data, m.metadata, m.content_type FROM pubsub_messages m
         JOIN pubsub_cursors c ON c.consumer_group = ? AND c.topic = m.topic
         WHERE m.topic = ? AND m.seq > c.acked_seq ORDER BY m.seq LIMIT 1`,
      )
      .get(group, topic) as Row | undefined;
  }

  private ack(group: string, topic: string, seq: number): void {
    const db = this.database();
    db.prepare(
      'UPDATE pubsub_cursors SET acked_seq = ? WHERE consumer_group = ? AND topic = ? AND acked_seq < ?',
    ).run(seq, group, topic, seq);
    // Forget messages every group of the topic has passed, once they are older than the retention.
    db.prepare(
      `DELETE FROM pubsub_messages WHERE topic = ? AND published_at < ?
       AND seq <= (SELECT MIN(acked_seq) FROM pubsub_cursors WHERE topic = ?)`,
    ).run(topic, this.ctx.now() - this.cfg.retention, topic);
  }

  private database(): Database.Database {
    if (!this.db) throw new Error(`pub/sub ${this.ctx.name} is closed`);
    return this.db;
  }
}
