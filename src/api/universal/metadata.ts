import type { CompStore } from '../../runtime/compstore.js';
import type { SubscriptionSpec } from '../../messaging/subscriptions/types.js';
import { formatGoDuration } from '../../scheduler/duration.js';
import { goMap } from '../../components/common/go-map.js';

export const RUNTIME_VERSION = '1.18.0';

export interface AppConnection {
  port?: number;
  protocol: string;
  channelAddress: string;
  maxConcurrency?: number;
  /** Set when app health checks are on (`--enable-app-health-check`). */
  health?: { path: string; intervalMs: number; timeoutMs: number; threshold: number };
}

/** App protocols over HTTP, the only ones where the health check path applies. */
const HTTP_PROTOCOLS = new Set(['http', 'https', 'h2c']);

/** The metadata document, every field present (fields as daprd names them); the HTTP adapter omits empty ones. */
export interface MetadataResponse {
  id: string;
  runtimeVersion: string;
  enabledFeatures: string[];
  actors: { type: string; count: number }[];
  components: { name: string; type: string; version: string; capabilities: string[] }[];
  extended: Record<string, string>;
  subscriptions: unknown[];
  httpEndpoints: { name: string }[];
  appConnectionProperties?: Record<string, unknown>;
  actorRuntime: { runtimeStatus: string; activeActors: unknown[]; hostReady: boolean; placement: string };
}

export class MetadataApi {
  private readonly attributes = new Map<string, string>();

  constructor(
    private readonly opts: {
      appId: string;
      compStore: CompStore;
      app: AppConnection;
      subscriptions?: () => SubscriptionSpec[];
    },
  ) {}

  private enabledFeatures: string[] = [];

  /** The features the Configuration enables (`spec.features[].enabled`), known once it is loaded. */
  setEnabledFeatures(features: string[]): void {
    this.enabledFeatures = [...features];
  }

  /**
   * Ephemeral attributes (PUT /v1.0/metadata/{key}); shown under `extended`. An empty key is
   * ignored, as daprd's SetMetadata does.
   */
  set(key: string, value: string): void {
    if (key === '') return;
    this.attributes.set(key, value);
  }

  get(): MetadataResponse {
    // As daprd: the attributes, then daprRuntimeVersion over them, as a Go map (no key, not even
    // `__proto__`, is lost: fromEntries defines own properties).
    const extended = goMap(
      Object.fromEntries(new Map(this.attributes).set('daprRuntimeVersion', RUNTIME_VERSION)),
    );
    const app = this.opts.app;
    return {
      id: this.opts.appId,
      runtimeVersion: RUNTIME_VERSION,
      enabledFeatures: [...this.enabledFeatures],
      actors: [],
      components: this.opts.compStore.components().map((c) => ({ ...c, capabilities: [...c.capabilities] })),
      extended,
      subscriptions: (this.opts.subscriptions?.() ?? []).map((sub) => ({
        pubsubname: sub.pubsubName,
        topic: sub.topic,
        ...(Object.keys(sub.metadata).length > 0 ? { metadata: sub.metadata } : {}),
        rules: sub.rules.map((r) => ({ ...(r.match ? { match: r.match } : {}), path: r.path })),
        deadLetterTopic: sub.deadLetterTopic ?? '', // daprd writes it even when empty
        type: sub.type,
      })),
      httpEndpoints: [],
      appConnectionProperties: {
        ...(app.port ? { port: app.port } : {}),
        protocol: app.protocol,
        channelAddress: app.channelAddress,
        ...(app.maxConcurrency && app.maxConcurrency > 0 ? { maxConcurrency: app.maxConcurrency } : {}),
        ...(app.health ? { health: healthProperties(app.health, app.protocol) } : {}),
      },
      // What daprd reports when no placement service is configured (actors disabled).
      actorRuntime: {
        runtimeStatus: 'DISABLED',
        activeActors: [],
        hostReady: false,
        placement: 'placement: disconnected',
      },
    };
  }
}

/** `appConnectionProperties.health` as daprd writes it: Go durations, no path on gRPC. */
function healthProperties(h: NonNullable<AppConnection['health']>, protocol: string) {
  return {
    ...(HTTP_PROTOCOLS.has(protocol) ? { healthCheckPath: h.path } : {}),
    healthProbeInterval: formatGoDuration(h.intervalMs),
    healthProbeTimeout: formatGoDuration(h.timeoutMs),
    healthThreshold: h.threshold,
  };
}
