import type { MetadataApi } from '../../universal/metadata.js';
import { rpc, type UnaryRpc } from '../server.js';

/** A subscription as `MetadataApi.get()` renders it for HTTP. */
interface SubscriptionJson {
  pubsubname: string;
  topic: string;
  metadata?: Record<string, string>;
  rules: { match?: string; path: string }[];
  deadLetterTopic?: string;
  type: string;
}

/** `appConnectionProperties` as `MetadataApi.get()` renders it for HTTP. */
interface AppConnectionJson {
  port?: number;
  protocol?: string;
  channelAddress?: string;
  maxConcurrency?: number;
  health?: {
    healthCheckPath?: string;
    healthProbeInterval: string;
    healthProbeTimeout: string;
    healthThreshold: number;
  };
}

/**
 * gRPC adapter of metadata and lifecycle (§9.2, §9.4): `GetMetadata` is the same document as
 * `GET /v1.0/metadata` in `GetMetadataResponse` shape; `Shutdown` answers, then shuts down.
 */
export function metadataRpcs(api: MetadataApi, shutdown: () => void): Record<string, UnaryRpc> {
  return {
    GetMetadata: rpc(() => {
      const md = api.get();
      const app = md.appConnectionProperties as AppConnectionJson | undefined;
      return {
        id: md.id,
        activeActorsCount: md.actors,
        registeredComponents: md.components,
        extendedMetadata: md.extended,
        subscriptions: (md.subscriptions as SubscriptionJson[]).map((s) => ({
          pubsubName: s.pubsubname,
          topic: s.topic,
          metadata: s.metadata ?? {},
          rules: { rules: s.rules.map((r) => ({ match: r.match ?? '', path: r.path })) },
          deadLetterTopic: s.deadLetterTopic ?? '',
          type: s.type,
        })),
        httpEndpoints: md.httpEndpoints,
        appConnectionProperties: app
          ? {
              port: app.port ?? 0,
              protocol: app.protocol ?? '',
              channelAddress: app.channelAddress ?? '',
              maxConcurrency: app.maxConcurrency ?? 0,
              health: app.health
                ? {
                    healthCheckPath: app.health.healthCheckPath ?? '',
                    healthProbeInterval: app.health.healthProbeInterval,
                    healthProbeTimeout: app.health.healthProbeTimeout,
                    healthThreshold: app.health.healthThreshold,
                  }
                : null,
            }
          : null,
        runtimeVersion: md.runtimeVersion,
        enabledFeatures: md.enabledFeatures,
        actorRuntime: {
          runtimeStatus: md.actorRuntime.runtimeStatus,
          activeActors: md.actorRuntime.activeActors,
          hostReady: md.actorRuntime.hostReady,
          placement: md.actorRuntime.placement,
        },
      };
    }),
    SetMetadata: rpc((req: { key: string; value: string }) => {
      api.set(req.key, req.value);
      return {};
    }),
    Shutdown: rpc(() => {
      // Answer first, then drain: the caller gets its response before the listeners close.
      setImmediate(shutdown);
      return {};
    }),
  };
}
