import type { MetadataApi } from '../../universal/metadata.js';
import { json, noContent } from '../respond.js';
import { Paths } from '../paths.js';
import type { Route } from '../route.js';

export function metadataRoutes(api: MetadataApi): Route[] {
  return [
    { methods: ['GET'], path: Paths.metadata, handler: (_req, res) => json(res, api.get()) },
    {
      methods: ['PUT'],
      path: Paths.metadataKey,
      handler: async (_req, res, { params, body }) => {
        api.set(params.key!, (await body()).toString('utf8'));
        noContent(res);
      },
    },
  ];
}
