import type { MetadataApi, MetadataResponse } from '../../universal/metadata.js';
import { json, noContent } from '../respond.js';
import { Paths } from '../paths.js';
import type { Route } from '../route.js';

export function metadataRoutes(api: MetadataApi): Route[] {
  return [
    { methods: ['GET'], path: Paths.metadata, handler: (_req, res) => json(res, metadataJson(api.get())) },
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

/**
 * `GET /v1.0/metadata` as daprd writes it over HTTP (Go `encoding/json` with `omitempty`): empty lists
 * and maps are left out (`enabledFeatures`, `actors`, `subscriptions`, `httpEndpoints`, a component's
 * `capabilities`, `actorRuntime.activeActors`), while a subscription always carries `deadLetterTopic`.
 */
export function metadataJson(md: MetadataResponse): Record<string, unknown> {
  const { activeActors, ...actorRuntime } = md.actorRuntime;
  return {
    id: md.id,
    runtimeVersion: md.runtimeVersion,
    ...nonEmpty('enabledFeatures', md.enabledFeatures),
    ...nonEmpty('actors', md.actors),
    ...nonEmpty(
      'components',
      md.components.map(({ capabilities, ...c }) => ({ ...c, ...nonEmpty('capabilities', capabilities) })),
    ),
    ...(Object.keys(md.extended).length > 0 ? { extended: md.extended } : {}),
    ...nonEmpty(
      'subscriptions',
      (md.subscriptions as { deadLetterTopic?: string }[]).map((s) => ({
        ...s,
        deadLetterTopic: s.deadLetterTopic ?? '',
      })),
    ),
    ...nonEmpty('httpEndpoints', md.httpEndpoints),
    ...(md.appConnectionProperties ? { appConnectionProperties: md.appConnectionProperties } : {}),
    actorRuntime: { ...actorRuntime, ...nonEmpty('activeActors', activeActors), ...placement(md) },
  };
}

function nonEmpty<K extends string>(key: K, list: unknown[]): Partial<Record<K, unknown[]>> {
  return list.length > 0 ? ({ [key]: list } as Record<K, unknown[]>) : {};
}

function placement(md: MetadataResponse): { placement?: string } {
  return md.actorRuntime.placement ? { placement: md.actorRuntime.placement } : {};
}
