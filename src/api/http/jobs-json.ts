import { Errors } from '../../errors/catalogue.js';
import { VALUE_TYPE_URL, type FailurePolicy, type JobData } from '../../components/scheduler/interface.js';
import { formatProtoDuration, parseProtoDuration } from '../../scheduler/duration.js';
import type { JobView, ScheduleJobInput } from '../universal/jobs.js';

/** The body of `POST /jobs/{name}` decoded; `name` is reported apart (it must not be in the body). */
export interface JobBody {
  name?: string;
  input: Omit<ScheduleJobInput, 'name'>;
}

type Json = Record<string, unknown>;

/**
 * Decodes daprd's `JobHTTPRequest` as protojson does: camelCase or snake_case field names (not
 * both), unknown fields ignored, `null` meaning "not set" (except `data`, a `google.protobuf.Value`,
 * where it is JSON null), integers as numbers or numeric strings, durations as `"3s"`. An empty
 * body is an empty request. Anything else is 400 ERR_MALFORMED_REQUEST.
 */
export function parseJobBody(body: Buffer): JobBody {
  if (body.length === 0) return { input: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw Errors.malformedRequest((err as Error).message);
  }
  const obj = object(raw, 'JobHTTPRequest');
  const input: Omit<ScheduleJobInput, 'name'> = {};
  const name = str(field(obj, 'name'), 'name');
  input.schedule = str(field(obj, 'schedule'), 'schedule');
  input.repeats = uint32(field(obj, 'repeats'), 'repeats');
  input.dueTime = str(field(obj, 'dueTime', 'due_time'), 'dueTime');
  input.ttl = str(field(obj, 'ttl'), 'ttl');
  if ('data' in obj) input.data = valueData(obj.data);
  const overwrite = field(obj, 'overwrite');
  if (overwrite !== undefined) {
    if (typeof overwrite !== 'boolean') throw invalid('overwrite', overwrite, 'bool');
    input.overwrite = overwrite;
  }
  const fp = field(obj, 'failurePolicy', 'failure_policy');
  if (fp !== undefined) input.failurePolicy = failurePolicy(fp);
  return { name, input };
}

/** A JSON value as the job's data (`google.protobuf.Value`), compacted as protojson re-encodes it. */
export function valueData(value: unknown): JobData {
  return { typeUrl: VALUE_TYPE_URL, value: Buffer.from(JSON.stringify(value)) };
}

/**
 * protojson of `runtime.v1.Job`: fields in proto order, unset ones left out, `data` as an `Any`
 * (`{"@type":"type.googleapis.com/google.protobuf.Value","value":…}`), durations as `"1s"`.
 */
export function renderJob(job: JobView): Record<string, unknown> {
  const out: Record<string, unknown> = { name: job.name };
  if (job.schedule !== undefined) out.schedule = job.schedule;
  if (job.repeats !== undefined) out.repeats = job.repeats;
  if (job.dueTime !== undefined) out.dueTime = job.dueTime;
  if (job.ttl !== undefined) out.ttl = job.ttl;
  if (job.data) out.data = renderAny(job.data);
  out.failurePolicy = renderPolicy(job.failurePolicy);
  return out;
}

function renderAny(data: JobData): Record<string, unknown> {
  if (data.typeUrl === VALUE_TYPE_URL)
    return { '@type': data.typeUrl, value: JSON.parse(data.value.toString('utf8')) };
  // Other message types (scheduled over gRPC) have no JSON mapping here: their bytes, base64.
  return { '@type': data.typeUrl, value: data.value.toString('base64') };
}

function renderPolicy(p: FailurePolicy): Record<string, unknown> {
  if (p.kind === 'drop') return { drop: {} };
  const constant: Record<string, unknown> = {};
  if (p.intervalMs !== undefined) constant.interval = formatProtoDuration(p.intervalMs);
  if (p.maxRetries !== undefined) constant.maxRetries = p.maxRetries;
  return { constant };
}

function failurePolicy(raw: unknown): FailurePolicy | undefined {
  const obj = object(raw, 'JobFailurePolicy');
  const drop = field(obj, 'drop');
  const constant = field(obj, 'constant');
  if (drop !== undefined && constant !== undefined)
    throw Errors.malformedRequest(
      'proto: (line 1): error parsing "constant", oneof dapr.proto.common.v1.JobFailurePolicy.policy is already set',
    );
  if (drop !== undefined) {
    object(drop, 'JobFailurePolicyDrop');
    return { kind: 'drop' };
  }
  if (constant === undefined) return undefined;
  const c = object(constant, 'JobFailurePolicyConstant');
  const interval = field(c, 'interval');
  let intervalMs: number | undefined;
  if (interval !== undefined) {
    intervalMs = typeof interval === 'string' ? parseProtoDuration(interval) : undefined;
    if (intervalMs === undefined || intervalMs < 0)
      throw invalid('interval', interval, 'google.protobuf.Duration');
  }
  return {
    kind: 'constant',
    intervalMs,
    maxRetries: uint32(field(c, 'maxRetries', 'max_retries'), 'maxRetries'),
  };
}

/** The value of a field given by its JSON name or its proto name; null is "not set". */
function field(obj: Json, jsonName: string, protoName?: string): unknown {
  if (protoName !== undefined && jsonName in obj && protoName in obj)
    throw Errors.malformedRequest(`proto: (line 1): duplicate field "${protoName}"`);
  const v = jsonName in obj ? obj[jsonName] : protoName !== undefined ? obj[protoName] : undefined;
  return v === null ? undefined : v;
}

function object(v: unknown, type: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw Errors.malformedRequest(`proto: syntax error: unexpected token for ${type}: ${preview(v)}`);
  return v as Json;
}

function str(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(name, v, 'string');
  return v;
}

function uint32(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw invalid(name, v, 'uint32');
  return n;
}

/** protojson's message names the field's kind (`string`, `bool`, `uint32`, a message type), not the value's. */
function invalid(name: string, v: unknown, type: string): Error {
  return Errors.malformedRequest(`proto: (line 1): invalid value for ${type} field ${name}: ${preview(v)}`);
}

/** A short rendering of a bad value for an error message (deeply nested input must not overflow the stack). */
function preview(v: unknown): string {
  try {
    const text = JSON.stringify(v);
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    return typeof v;
  }
}
