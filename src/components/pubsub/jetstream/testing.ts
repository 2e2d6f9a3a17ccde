import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../diagnostics/logger.js';
import type { ComponentContext } from '../../component.js';
import type { PubSubMessage } from '../interface.js';

/** Test helpers shared by the JetStream and MQTT suites (not part of the runtime). */

export function testContext(
  type: string,
  metadata: Record<string, string>,
  appId = 'test-app',
): ComponentContext {
  return {
    name: 'pubsub',
    type,
    version: 'v1',
    metadata,
    appId,
    namespace: 'default',
    logger: createLogger({ appId, level: 'silent' }),
    dataDir: tmpdir(),
    now: Date.now,
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Records deliveries; `fail(n)` makes the handler reject when it returns true for a message. */
export class Collector {
  readonly calls: PubSubMessage[] = [];
  readonly ok: PubSubMessage[] = [];
  constructor(private readonly fail: (m: PubSubMessage, attempt: number) => boolean = () => false) {}
  readonly handler = async (m: PubSubMessage): Promise<void> => {
    const attempt = this.calls.filter((c) => c.data.equals(m.data)).length;
    this.calls.push(m);
    if (this.fail(m, attempt)) throw new Error(`rejecting ${m.data.toString()}`);
    this.ok.push(m);
  };
  texts(which: 'ok' | 'calls' = 'ok'): string[] {
    return this[which].map((m) => m.data.toString());
  }
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open`);
    await sleep(50);
  }
}

/** A server process of our own on a free port, stopped and started by fault tests. */
export class PrivateServer implements AsyncDisposable {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'daprts-broker-'));

  private constructor(
    readonly port: number,
    private readonly command: (port: number, dir: string) => [string, string[]],
  ) {}

  /** nats-server with JetStream, its store in a private folder that survives restarts. */
  static async nats(): Promise<PrivateServer> {
    const s = new PrivateServer(await freePort(), (port, dir) => [
      'nats-server',
      ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
    ]);
    await s.start();
    return s;
  }

  /** mosquitto with a listener on the port, anonymous access, sessions saved on a graceful stop. */
  static async mosquitto(): Promise<PrivateServer> {
    const s = new PrivateServer(await freePort(), (port, dir) => {
      const conf = join(dir, 'mosquitto.conf');
      chmodSync(dir, 0o777); // mosquitto started as root drops to its own user, which must write the db
      const lines = [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${dir}/`,
      ];
      writeFileSync(conf, lines.join('\n') + '\n');
      return ['mosquitto', ['-c', conf]];
    });
    await s.start();
    return s;
  }

  async start(): Promise<void> {
    const [cmd, args] = this.command(this.port, this.dir);
    this.child = spawn(cmd, args, { stdio: 'ignore' });
    await waitForPort(this.port);
  }

  /** SIGTERM: a graceful stop (the broker saves its state); SIGKILL: a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
