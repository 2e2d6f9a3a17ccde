import { Errors } from '../../../errors/catalogue.js';
import type { JobsApi } from '../../universal/jobs.js';
import { parseJobBody, renderJob } from '../jobs-json.js';
import { json, noContent } from '../respond.js';
import { Paths } from '../paths.js';
import type { Handler, Route } from '../route.js';

/**
 * HTTP adapter of the Jobs API (dapr-api.md §4) on `/v1.0-alpha1/jobs/{name}` and `/v1.0/jobs/{name}`:
 * POST schedules (204), GET returns the job as protojson (200), DELETE removes it (204, also when
 * it did not exist). The name comes from the URL only; POST trims it as daprd does.
 */
export function jobRoutes(api: JobsApi): Route[] {
  const schedule: Handler = async (_req, res, { params, body }) => {
    const name = (params.name ?? '').trim();
    const parsed = parseJobBody(await body());
    if (parsed.name) throw Errors.jobNameInBody(api.scope.appId);
    await api.scheduleJob({ ...parsed.input, name });
    noContent(res);
  };
  const get: Handler = async (_req, res, { params }) => {
    json(res, renderJob(await api.getJob(params.name ?? '')));
  };
  const remove: Handler = async (_req, res, { params }) => {
    await api.deleteJob(params.name ?? '');
    noContent(res);
  };
  return [Paths.jobsAlpha, Paths.jobs].flatMap((path): Route[] => [
    { methods: ['POST'], path, handler: schedule },
    { methods: ['GET'], path, handler: get },
    { methods: ['DELETE'], path, handler: remove },
  ]);
}
