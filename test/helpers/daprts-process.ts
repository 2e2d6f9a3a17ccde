import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { afterAll } from 'vitest';

/** The built CLI; `DAPRTS_CLI` points the tests at another build (e.g. a private copy of dist/). */
export const CLI = process.env.DAPRTS_CLI ?? resolve(import.meta.dirname, '../../dist/cli/main.js');

export interface DaprtsProcessOptions {
  appId?: string;
  /** YAML documents written to a temp resources folder (one file each). */
  resources?: Record<string, string>;
  /** Extra flags for `daprts sidecar`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Don't wait for /v1.0/healthz/outbound (for start-up failure tests). */
  noWait?: boolean;
}

/** Processes not yet stopped. A case that times out never reaches its `await using` disposal. */
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** A `daprts sidecar` process on free ports, for black-box tests of the built runtime. */
export class DaprtsProcess implements AsyncDisposable {
  readonly appId: string;
  readonly httpPort: number;
  /** The gRPC API port. */
  readonly grpcPort: number;
  readonly dir: string;
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(opts: DaprtsProcessOptions, httpPort: number, dir: string, grpcPort: number) {
    this.appId = opts.appId ?? 'testapp';
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
    this.dir = dir;
    const resourcesDir = join(dir, 'resources');
    const args = [
      CLI,
      'sidecar',
      '--app-id',
      this.appId,
      '--dapr-http-port',
      String(httpPort),
      '--dapr-grpc-port',
      String(grpcPort),
      '--dapr-listen-addresses',
      '127.0.0.1',
      '--data-dir',
      join(dir, 'data'),
    ];
    if (opts.resources) args.push('--resources-path', resourcesDir);
    args.push(...(opts.args ?? []));
    this.child = spawn(process.execPath, args, {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.output += d));
    this.child.stderr!.on('data', (d) => (this.output += d));
    running.add(this.child);
    this.exited = new Promise((r) =>
      this.child.once('exit', (code) => {
        running.delete(this.child);
        r(code);
      }),
    );
  }

  static async start(opts: DaprtsProcessOptions = {}): Promise<DaprtsProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'daprts-it-'));
    if (opts.resources) {
      const rdir = join(dir, 'resources');
      (await import('node:fs')).mkdirSync(rdir);
      for (const [name, text] of Object.entries(opts.resources)) writeFileSync(join(rdir, name), text);
    }
    const p = new DaprtsProcess(opts, await freePort(), dir, await freePort());
    if (!opts.noWait) await p.waitHealthy();
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  fetch(path: string, init?: RequestInit): Promise<Response> {
    return fetch(this.url + path, init);
  }

  /** Polls outbound health until 204, failing with the process output if it exits or times out. */
  async waitHealthy(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) throw new Error(`daprts exited during start-up:\n${this.output}`);
      try {
        const r = await fetch(`${this.url}/v1.0/healthz/outbound`);
        if (r.status === 204) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`daprts did not become healthy in ${timeoutMs} ms:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export const inMemoryStateYaml = (name = 'statestore', extraMetadata = '') => `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: state.in-memory
  version: v1
  metadata:${extraMetadata ? '\n' + extraMetadata : ' []'}
`;
