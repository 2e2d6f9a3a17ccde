import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './daprts-process.js';

/**
 * Servers of our own on free ports, for fault tests that stop and start a backend: stopping them
 * never disturbs the shared servers other tests use.
 */

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb refuses root). */
function pgCommand(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]]
    : [join(PG_BIN, bin), args];
}

export class PrivatePostgres implements AsyncDisposable {
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'daprts-pg-'));
    chmodSync(dir, 0o700);
    if (process.getuid?.() === 0) chownSync(dir, pgUid(), pgGid());
    const [cmd, args] = pgCommand('initdb', [
      '-D',
      join(dir, 'data'),
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    execFileSync(cmd, args, { stdio: 'pipe' });
    const pg = new PrivatePostgres(await freePort(), dir);
    await pg.startServer();
    return pg;
  }

  get connectionString(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async startServer(): Promise<void> {
    const [cmd, args] = pgCommand('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-l',
      join(this.dir, 'log'),
      '-w',
      'start',
    ]);
    execFileSync(cmd, args, { stdio: 'pipe' });
  }

  /** Fast shutdown: connected clients see their connections dropped, as in a real outage. */
  async stopServer(): Promise<void> {
    const [cmd, args] = pgCommand('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
    execFileSync(cmd, args, { stdio: 'pipe' });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.stopServer();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function pgUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
}
function pgGid(): number {
  return Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
}

export class PrivateRedis implements AsyncDisposable {
  private child?: ChildProcess;
  private readonly dir?: string;

  /** With `persist`, every write is fsynced to an append-only file, so a restart loses nothing acknowledged. */
  private constructor(
    readonly port: number,
    private readonly persist: boolean,
  ) {
    if (persist) this.dir = mkdtempSync(join(tmpdir(), 'daprts-redis-'));
  }

  static async start(opts: { persist?: boolean } = {}): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), opts.persist ?? false);
    await r.startServer();
    return r;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async startServer(): Promise<void> {
    const durability = this.dir
      ? ['--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...durability],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { stdio: 'pipe' });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`private redis on ${this.port} did not start`);
  }

  /** Kills the server (SIGKILL: an abrupt outage; with `persist` the fsynced log survives). */
  async stopServer(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stopServer();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
