import { Errors } from '../../../errors/catalogue.js';
import { VALUE_TYPE_URL, type FailurePolicy, type JobData } from '../../../components/scheduler/interface.js';
import type { JobsApi, JobView, ScheduleJobInput } from '../../universal/jobs.js';
import { rpc, type UnaryRpc } from '../server.js';
import { decodeValue, encodeValue } from '../wire.js';

/** `google.protobuf.Any` (the well-known type keeps its proto field names). */
interface AnyPb {
  type_url: string;
  value: Buffer;
}

interface DurationPb {
  seconds: number;
  nanos: number;
}

interface FailurePolicyPb {
  drop?: object | null;
  constant?: { interval: DurationPb | null; maxRetries?: number } | null;
}

/** `runtime.v1.Job`; proto3 `optional` fields are absent when not set. */
interface JobPb {
  name: string;
  schedule?: string;
  repeats?: number;
  dueTime?: string;
  ttl?: string;
  data: AnyPb | null;
  failurePolicy?: FailurePolicyPb | null;
}

/**
 * gRPC adapter of the Jobs API (§4), on the `…Alpha1` names and the stable ones. `jobs` is read on
 * every call: the API exists once a job store is configured.
 */
export function jobRpcs(jobs: () => JobsApi | undefined): Record<string, UnaryRpc> {
  const api = (): JobsApi => {
    const a = jobs();
    if (!a) throw Errors.apiUnimplemented('the Jobs API (no job store is configured)');
    return a;
  };
  const schedule = rpc(async (req: { job: JobPb | null; overwrite: boolean }) => {
    const a = api();
    if (!req.job) throw Errors.jobEmpty({ appID: a.scope.appId, namespace: a.scope.namespace });
    await a.scheduleJob({ ...fromJob(req.job), overwrite: req.overwrite });
    return {};
  });
  const get = rpc(async (req: { name: string }) => ({ job: toJob(await api().getJob(req.name)) }));
  const remove = rpc(async (req: { name: string }) => {
    await api().deleteJob(req.name);
    return {};
  });
  const list = rpc(async () => ({ jobs: (await api().listJobs()).map(toJob) }));
  const removeByPrefix = rpc(async (req: { namePrefix?: string }) => {
    await api().deleteJobsByPrefix(req.namePrefix ?? '');
    return {};
  });
  return {
    ScheduleJobAlpha1: schedule,
    ScheduleJob: schedule,
    GetJobAlpha1: get,
    GetJob: get,
    DeleteJobAlpha1: remove,
    DeleteJob: remove,
    ListJobsAlpha1: list,
    ListJobs: list,
    DeleteJobsByPrefixAlpha1: removeByPrefix,
    DeleteJobsByPrefix: removeByPrefix,
  };
}

function fromJob(job: JobPb): ScheduleJobInput {
  return {
    name: job.name,
    schedule: job.schedule,
    repeats: job.repeats,
    dueTime: job.dueTime,
    ttl: job.ttl,
    data: fromAny(job.data),
    failurePolicy: fromPolicy(job.failurePolicy),
  };
}

function toJob(job: JobView): JobPb {
  return {
    name: job.name,
    ...(job.schedule !== undefined ? { schedule: job.schedule } : {}),
    ...(job.repeats !== undefined ? { repeats: job.repeats } : {}),
    ...(job.dueTime !== undefined ? { dueTime: job.dueTime } : {}),
    ...(job.ttl !== undefined ? { ttl: job.ttl } : {}),
    data: job.data ? toAny(job.data) : null,
    failurePolicy: toPolicy(job.failurePolicy),
  };
}

/**
 * Job data as the store keeps it: a `google.protobuf.Value` as its JSON text (what the HTTP API
 * reads and writes), any other message type as its bytes.
 */
export function fromAny(any: AnyPb | null): JobData | undefined {
  if (!any || (any.type_url === '' && any.value.length === 0)) return undefined;
  if (any.type_url === VALUE_TYPE_URL)
    return { typeUrl: VALUE_TYPE_URL, value: Buffer.from(JSON.stringify(decodeValue(any.value))) };
  return { typeUrl: any.type_url, value: any.value };
}

/** The `Any` sent over gRPC for stored job data (JSON text back to `google.protobuf.Value` bytes). */
export function toAny(data: JobData): AnyPb {
  if (data.typeUrl === VALUE_TYPE_URL)
    return { type_url: VALUE_TYPE_URL, value: encodeValue(JSON.parse(data.value.toString('utf8'))) };
  return { type_url: data.typeUrl, value: data.value };
}

function fromPolicy(p: FailurePolicyPb | null | undefined): FailurePolicy | undefined {
  if (!p) return undefined;
  if (p.drop) return { kind: 'drop' };
  if (!p.constant) return undefined;
  const i = p.constant.interval;
  return {
    kind: 'constant',
    intervalMs: i ? i.seconds * 1000 + Math.floor(i.nanos / 1e6) : undefined,
    maxRetries: p.constant.maxRetries,
  };
}

function toPolicy(p: FailurePolicy): FailurePolicyPb {
  if (p.kind === 'drop') return { drop: {} };
  const ms = p.intervalMs;
  return {
    constant: {
      interval: ms === undefined ? null : { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 },
      ...(p.maxRetries !== undefined ? { maxRetries: p.maxRetries } : {}),
    },
  };
}
