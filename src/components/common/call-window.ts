/**
 * A subscription's received messages and the handler calls running on them: queued messages start
 * in arrival order while fewer than `limit` calls run (Redis and RabbitMQ `concurrency`, a JetStream
 * or MQTT subscription's window). Owners keep their own per-message bookkeeping in `run`; a call
 * may hold its place past the handler (MQTT: until the message's in-order ack).
 */
export class CallWindow<T> {
  /** Received and not started yet; owners may take them back (close, a dropped channel). */
  readonly queue: T[] = [];
  private readonly calls = new Set<Promise<void>>();

  constructor(
    private readonly o: {
      limit: number;
      /** One handler call; settles when the message is settled (never rejects in practice). */
      run: (item: T) => Promise<void>;
      /** True once the subscription closes: nothing more starts. */
      stopped: () => boolean;
    },
  ) {}

  push(item: T): void {
    this.queue.push(item);
    this.pump();
  }

  /** Resolves once every call started so far has settled. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.calls]);
  }

  private pump(): void {
    while (!this.o.stopped() && this.calls.size < this.o.limit && this.queue.length > 0) {
      const item = this.queue.shift() as T;
      const p: Promise<void> = this.o.run(item).finally(() => {
        this.calls.delete(p);
        this.pump();
      });
      this.calls.add(p);
    }
  }
}
