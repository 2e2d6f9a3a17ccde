import type { Logger } from '../../diagnostics/logger.js';
import { Errors } from '../../errors/catalogue.js';
import { GrpcCode, errorMessage } from '../../errors/dapr-error.js';
import { JobAlreadyExistsError } from '../../components/scheduler/errors.js';
import type {
  FailurePolicy,
  JobData,
  JobRecord,
  JobScope,
  JobStore,
} from '../../components/scheduler/interface.js';
import { jobKey } from '../../components/scheduler/rows.js';
import { buildJob, JobValidationError } from '../../scheduler/job.js';
import { jobNameProblem } from '../../scheduler/names.js';
import { currentNamespace } from '../../resources/namespace.js';

/** A schedule request, transport-neutral. `undefined` means "not given" (protobuf presence). */
export interface ScheduleJobInput {
  name: string;
  schedule?: string;
  dueTime?: string;
  ttl?: string;
  repeats?: number;
  data?: JobData;
  failurePolicy?: FailurePolicy;
  overwrite?: boolean;
}

/** A job as GetJob and ListJobs return it: what was asked for, with the failure policy in force. */
export interface JobView {
  name: string;
  schedule?: string;
  repeats?: number;
  dueTime?: string;
  ttl?: string;
  data?: JobData;
  failurePolicy: FailurePolicy;
}

/** The engine side the API talks to: wake up for a job just written, forget one just deleted. */
export interface JobEngineHooks {
  notify(name: string, dueMs: number): void;
  forget(name: string): void;
}

export interface JobsApiOptions {
  appId: string;
  /** '' means Dapr's self-hosted namespace, `default`. */
  namespace: string;
  store: JobStore;
  logger: Logger;
  /** Injectable clock (ms since the epoch): `dueTime`/`ttl` durations count from it. */
  now?: () => number;
  /** The trigger engine, once it runs (see `attachEngine`). */
  engine?: JobEngineHooks;
}

/**
 * The Jobs API written once for every transport (dapr-api.md §4): validation and errors exactly as
 * daprd and its scheduler produce them, jobs kept in the configured job store, scoped by namespace
 * and app id. The engine is told about new jobs so that a job due now fires without waiting.
 */
export class JobsApi {
  readonly scope: JobScope;
  private readonly meta: Record<string, string>;
  private readonly now: () => number;
  private engine?: JobEngineHooks;

  constructor(private readonly opts: JobsApiOptions) {
    this.scope = { namespace: currentNamespace(opts.namespace), appId: opts.appId };
    this.meta = { appID: opts.appId, namespace: this.scope.namespace };
    this.now = opts.now ?? Date.now;
    this.engine = opts.engine;
  }

  /** Connects (or disconnects) the trigger engine once the app channel exists. */
  attachEngine(engine: JobEngineHooks | undefined): void {
    this.engine = engine;
  }

  async scheduleJob(input: ScheduleJobInput): Promise<void> {
    if (input.name === '') throw Errors.jobNameEmpty(this.meta);
    if (input.schedule === undefined && input.dueTime === undefined) throw Errors.jobScheduleEmpty(this.meta);
    const invalid = jobNameProblem(input.name);
    if (invalid) throw this.scheduleError(GrpcCode.INTERNAL, 'Unknown', invalid);
    let built: ReturnType<typeof buildJob>;
    try {
      built = buildJob(input, this.now());
    } catch (err) {
      if (err instanceof JobValidationError)
        throw this.scheduleError(GrpcCode.INTERNAL, 'Unknown', err.message);
      throw err;
    }
    const { record, dueMs } = built;
    try {
      await this.opts.store.put(this.scope, record, input.overwrite === true);
      // A job that can never fire is accepted and gone at once, as the scheduler drops it.
      if (dueMs === undefined) await this.opts.store.delete(this.scope, input.name);
    } catch (err) {
      if (err instanceof JobAlreadyExistsError)
        throw this.scheduleError(GrpcCode.ALREADY_EXISTS, 'AlreadyExists', err.message, err);
      this.opts.logger.error({ err }, `Error scheduling job ${input.name}`);
      throw this.scheduleError(GrpcCode.INTERNAL, 'Unknown', errorMessage(err), err);
    }
    if (dueMs !== undefined) this.engine?.notify(input.name, dueMs);
  }

  async getJob(name: string): Promise<JobView> {
    if (name === '') throw Errors.jobNameEmpty(this.meta);
    const invalid = jobNameProblem(name);
    if (invalid) throw Errors.jobGet(rpcError('Unknown', invalid), this.meta);
    let job: JobRecord | undefined;
    try {
      job = await this.opts.store.get(this.scope, name);
    } catch (err) {
      throw Errors.jobGet(rpcError('Unknown', errorMessage(err)), this.meta, err);
    }
    if (!job) throw Errors.jobGet(rpcError('NotFound', `job not found: ${name}`), this.meta);
    return view(job);
  }

  /** Deleting a job that does not exist succeeds, as in Dapr. */
  async deleteJob(name: string): Promise<void> {
    if (name === '') throw Errors.jobNameEmpty(this.meta);
    const invalid = jobNameProblem(name);
    if (invalid) throw Errors.jobDelete(rpcError('Unknown', invalid), this.meta);
    try {
      await this.opts.store.delete(this.scope, name);
    } catch (err) {
      throw Errors.jobDelete(rpcError('Unknown', errorMessage(err)), this.meta, err);
    }
    this.engine?.forget(name);
  }

  /** Every job of this app id (gRPC `ListJobs`). */
  async listJobs(): Promise<JobView[]> {
    try {
      return (await this.opts.store.list(this.scope)).map(view);
    } catch (err) {
      throw Errors.jobList(
        rpcError('Unknown', `failed to query job list: ${errorMessage(err)}`),
        this.meta,
        err,
      );
    }
  }

  /** Deletes the jobs whose names start with `prefix` (all when empty; gRPC `DeleteJobsByPrefix`). */
  async deleteJobsByPrefix(prefix = ''): Promise<void> {
    try {
      await this.opts.store.deleteByPrefix(this.scope, prefix);
    } catch (err) {
      throw Errors.jobDelete(rpcError('Unknown', errorMessage(err)), this.meta, err);
    }
  }

  /** The job's key in Dapr's scheduler (`app||<namespace>||<app id>||<name>`), for messages and logs. */
  key(name: string): string {
    return jobKey(this.scope, name);
  }

  private scheduleError(code: GrpcCode, codeName: string, desc: string, cause?: unknown) {
    return Errors.jobSchedule(code, rpcError(codeName, desc), this.meta, cause);
  }
}

/** The text daprd shows for an error it got from the scheduler over gRPC. */
function rpcError(code: string, desc: string): string {
  return `rpc error: code = ${code} desc = ${desc}`;
}

function view(job: JobRecord): JobView {
  return {
    name: job.name,
    schedule: job.schedule,
    repeats: job.repeats,
    dueTime: job.dueTime,
    ttl: job.ttl,
    data: job.data,
    failurePolicy: job.failurePolicy,
  };
}
