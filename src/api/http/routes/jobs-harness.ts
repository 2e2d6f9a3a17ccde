import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../diagnostics/logger.js';
import { SqliteJobStore } from '../../../components/scheduler/sqlite/index.js';
import type { JobStore } from '../../../components/scheduler/interface.js';
import { JobEngine } from '../../../scheduler/engine.js';
import { httpJobTrigger } from '../../../scheduler/trigger.js';
import { fetchAppChannel, JobTestApp } from '../../../scheduler/testing.js';
import { JobsApi } from '../../universal/jobs.js';
import { HttpApiServer } from '../server.js';
import type { Route } from '../route.js';
import { jobRoutes } from './jobs.js';

export const logger = createLogger({ appId: 'myapp', level: 'silent' });

export interface JobsHarnessOptions {
  /** Status the app answers for the n-th call of a job (200 by default). */
  appStatus?: (name: string, n: number) => number;
  /** What the app does when called, before answering. */
  onCall?: ConstructorParameters<typeof JobTestApp>[1];
  /** Injected clock; when given the engine is not started (tests call `engine.runDue()`). */
  now?: () => number;
  /** Extra routes served next to the jobs routes (e.g. publish). */
  routes?: (api: JobsApi) => Route[];
  pollInterval?: string;
}

/**
 * An in-process sidecar for the Jobs API: the HTTP API server with the jobs routes, the universal
 * API on a `scheduler.sqlite` store, the trigger engine and a real app HTTP server.
 */
export class JobsHarness {
  private readonly dir = mkdtempSync(join(tmpdir(), 'daprts-jobs-api-'));
  store!: JobStore;
  api!: JobsApi;
  engine!: JobEngine;
  app!: JobTestApp;
  private server!: HttpApiServer;
  url = '';

  static async start(opts: JobsHarnessOptions = {}): Promise<JobsHarness> {
    const h = new JobsHarness();
    await h.init(opts);
    return h;
  }

  private async init(opts: JobsHarnessOptions): Promise<void> {
    this.store = new SqliteJobStore({
      name: 'scheduler',
      type: 'scheduler.sqlite',
      version: 'v1',
      metadata: { connectionString: join(this.dir, 'jobs.db'), pollInterval: opts.pollInterval ?? '100ms' },
      appId: 'myapp',
      namespace: '',
      logger,
      dataDir: this.dir,
      now: opts.now ?? Date.now,
    });
    await this.store.init();
    this.api = new JobsApi({ appId: 'myapp', namespace: '', store: this.store, logger, now: opts.now });
    this.app = await new JobTestApp(opts.appStatus, opts.onCall).listen();
    const trigger = httpJobTrigger(fetchAppChannel(this.app.port), logger);
    this.engine = new JobEngine({ store: this.store, scope: this.api.scope, trigger, logger, now: opts.now });
    this.api.attachEngine(this.engine);
    if (!opts.now) this.engine.start();
    this.server = new HttpApiServer({
      routes: [...jobRoutes(this.api), ...(opts.routes?.(this.api) ?? [])],
      logger,
      maxBodyBytes: 4 * 1024 * 1024,
    });
    this.url = `http://127.0.0.1:${await this.server.listen(0, '127.0.0.1')}`;
  }

  /** `POST {path}` with a JSON body given as text (sent as is). */
  post(path: string, body: string): Promise<Response> {
    return fetch(this.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  }

  get(path: string): Promise<Response> {
    return fetch(this.url + path);
  }

  delete(path: string): Promise<Response> {
    return fetch(this.url + path, { method: 'DELETE' });
  }

  async close(): Promise<void> {
    await this.engine.stop();
    await this.server.close();
    await this.app.close();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
