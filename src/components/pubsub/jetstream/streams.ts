import { createHash } from 'node:crypto';
import {
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { Logger } from '../../../diagnostics/logger.js';

/** Description put on the streams this component creates, so it may add subjects to them later. */
export const CREATED_BY = 'created by daprts pubsub.jetstream';

/**
 * A valid NATS stream/consumer name for any text: characters other than letters, digits, `_` and
 * `-` become `_`, and a short hash of the original is appended when anything changed, so two
 * different topics never share a name.
 */
export function natsName(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9_-]/g, '_');
  if (safe === text && safe.length <= 64) return safe;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${safe.slice(0, 64)}_${hash}`;
}

export interface StreamOptions {
  /** `streamName`: the stream every topic of this component lives in. */
  streamName?: string;
  memoryStorage: boolean;
  replicas?: number;
}

/**
 * Finds the stream that captures a topic's subject, creating one when none does, so that a publish
 * is never answered with "no responders" and lost:
 * - without `streamName`, a stream named after the topic (see {@link natsName}) with the topic as
 *   its only subject;
 * - with `streamName`, that stream: created with the topic's subject when it does not exist, or
 *   extended with the subject when this component created it; a stream someone else manages is
 *   never modified (a clear error says which subject it lacks).
 * Created streams keep everything (limits retention without limits) on file storage, or memory
 * storage with `memoryStorage`.
 */
export class StreamResolver {
  private readonly cache = new Map<string, Promise<string>>();
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly opts: StreamOptions,
    private readonly log: Logger,
  ) {}

  /** The stream name for a topic; cached until {@link forget}. */
  ensure(topic: string): Promise<string> {
    let p = this.cache.get(topic);
    if (!p) {
      p = this.resolve(topic);
      this.cache.set(topic, p);
      p.catch(() => this.cache.delete(topic));
    }
    return p;
  }

  forget(topic: string): void {
    this.cache.delete(topic);
  }

  private resolve(topic: string): Promise<string> {
    // One lookup-or-create at a time in this process: two topics adding their subject to one stream
    // at once would overwrite each other's update.
    const run = this.lock.then(() => this.findOrCreate(topic));
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async findOrCreate(topic: string): Promise<string> {
    const wanted = this.opts.streamName;
    let lastError: unknown;
    // Each round looks again: a create or update is confirmed by the lookup that follows it, and a
    // concurrent creator (another process) winning the race is found there.
    for (let round = 0; round < 3; round++) {
      const found = await this.find(topic);
      if (found && (!wanted || found === wanted)) return found;
      if (found) {
        throw new Error(`subject '${topic}' is captured by stream '${found}', not by streamName '${wanted}'`);
      }
      try {
        if (wanted) await this.addToNamedStream(wanted, topic);
        else await this.create(natsName(topic), topic);
      } catch (err) {
        if (!(err instanceof JetStreamApiError)) throw err;
        lastError = err;
      }
    }
    throw new Error(`jetstream: no stream captures subject '${topic}' and none could be created`, {
      cause: lastError,
    });
  }

  private async find(topic: string): Promise<string | undefined> {
    try {
      return await this.jsm.streams.find(topic);
    } catch (err) {
      if ((err as Error).name === 'StreamNotFoundError') return undefined;
      throw err;
    }
  }

  private async addToNamedStream(name: string, topic: string): Promise<void> {
    let config: StreamConfig;
    try {
      config = (await this.jsm.streams.info(name)).config;
    } catch (err) {
      if ((err as Error).name !== 'StreamNotFoundError') throw err;
      return this.create(name, topic);
    }
    if (config.description !== CREATED_BY) {
      throw new Error(
        `stream '${name}' (streamName) does not capture subject '${topic}'; add the subject to the stream, ` +
          `or leave streamName unset to have a stream created per topic`,
      );
    }
    await this.jsm.streams.update(name, { ...config, subjects: [...(config.subjects ?? []), topic] });
    this.log.info({ stream: name, subject: topic }, 'jetstream: added the topic subject to the stream');
  }

  private async create(name: string, topic: string): Promise<void> {
    await this.jsm.streams.add({
      name,
      subjects: [topic],
      description: CREATED_BY,
      retention: RetentionPolicy.Limits,
      storage: this.opts.memoryStorage ? StorageType.Memory : StorageType.File,
      num_replicas: this.opts.replicas ?? 1,
    });
    this.log.info({ stream: name, subject: topic }, 'jetstream: no stream captured the topic; created one');
  }
}
