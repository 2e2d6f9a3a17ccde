import { Errors } from '../../../errors/catalogue.js';
import type { HealthApi } from '../../universal/health.js';
import { noContent } from '../respond.js';
import { queryValue } from '../request.js';
import { Paths } from '../paths.js';
import type { Route } from '../route.js';

/** Health and shutdown (§9.3, §9.4). */
export function lifecycleRoutes(api: HealthApi, shutdown: () => void): Route[] {
  return [
    {
      methods: ['GET'],
      path: Paths.healthz,
      handler: (_req, res, { query }) => {
        // daprd checks readiness first, then `?appid` (present but different, even empty, is a mismatch).
        if (!api.ready()) throw Errors.healthNotReady();
        const appId = queryValue(query, 'appid');
        if (appId !== undefined && appId !== api.appId) throw Errors.healthAppIdNotMatch();
        noContent(res);
      },
    },
    {
      methods: ['GET'],
      path: Paths.healthzOutbound,
      handler: (_req, res) => {
        if (!api.outboundReady()) throw Errors.outboundHealthNotReady();
        noContent(res);
      },
    },
    {
      methods: ['POST'],
      path: Paths.shutdown,
      handler: (_req, res) => {
        noContent(res);
        // Answer first, then drain: the caller gets its 204 before the listener closes.
        setImmediate(shutdown);
      },
    },
  ];
}
