import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { fromJSON, loadSync, type Options } from '@grpc/proto-loader';

/**
 * How messages are mapped to objects: camelCase fields, enums as their names, 64-bit integers as
 * numbers, unset scalars as their defaults, unset messages as `null`, and each `oneof` (proto3
 * `optional` included) named by a string field saying which member is set.
 */
export const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

const PACKAGE = 'dapr.proto.runtime.v1';

/** The `.proto` files daprts serves and calls, relative to {@link protoDir}. */
export const PROTO_FILES = ['dapr/proto/runtime/v1/dapr.proto', 'dapr/proto/runtime/v1/appcallback.proto'];

/**
 * What `npm run build` writes beside the built module (`scripts/build-protos.mjs`): the parsed
 * {@link PROTO_FILES} as protobufjs JSON, and the `@dapr/dapr` version they came from.
 */
export const PRECOMPILED_FILE = 'dapr-protos.json';

export interface PrecompiledProtos {
  daprVersion: string;
  root: Parameters<typeof fromJSON>[0];
}

/** The services daprts serves and calls, from the official `.proto` files. */
export interface DaprProtos {
  /** `dapr.proto.runtime.v1.Dapr`, plus the stable names of the jobs RPCs. */
  dapr: ServiceDefinition;
  appCallback: ServiceDefinition;
  appCallbackAlpha: ServiceDefinition;
  appCallbackHealthCheck: ServiceDefinition;
  /** `grpc.health.v1.Health` (the standard health service). */
  health: ServiceDefinition;
}

let cached: DaprProtos | undefined;

/** The folder of `.proto` files shipped in the pinned `@dapr/dapr` package. */
export function protoDir(): string {
  return join(dirname(daprPackageJson()), 'proto');
}

function daprPackageJson(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('@dapr/dapr/package.json');
  } catch (err) {
    throw new Error(
      'the gRPC API loads its .proto files from the @dapr/dapr package, which is not installed',
      {
        cause: err,
      },
    );
  }
}

/**
 * The build's precompiled protos, when present and made from the installed `@dapr/dapr` (sources
 * run by the tests have none: they parse the `.proto` files).
 */
export function precompiledProtos(): PrecompiledProtos | undefined {
  let json: PrecompiledProtos;
  try {
    json = JSON.parse(readFileSync(new URL(PRECOMPILED_FILE, import.meta.url), 'utf8')) as PrecompiledProtos;
  } catch {
    return undefined;
  }
  const installed = (JSON.parse(readFileSync(daprPackageJson(), 'utf8')) as { version: string }).version;
  return json.daprVersion === installed ? json : undefined;
}

/**
 * Loads (once per process) the Dapr runtime services from `@dapr/dapr`'s `.proto` files, from the
 * build's precompiled JSON when there is one (half the start-up cost: no `.proto` parsing).
 */
export function daprProtos(): DaprProtos {
  if (cached) return cached;
  const pre = precompiledProtos();
  const def = pre
    ? fromJSON(pre.root, LOADER_OPTIONS)
    : loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [protoDir()] });
  const service = (name: string) => def[`${PACKAGE}.${name}`] as ServiceDefinition;
  const health = fromJSON(HEALTH_JSON as Parameters<typeof fromJSON>[0], LOADER_OPTIONS)[
    'grpc.health.v1.Health'
  ] as ServiceDefinition;
  cached = {
    dapr: withStableJobNames(service('Dapr')),
    appCallback: withStableJobEvent(service('AppCallback'), service('AppCallbackAlpha')),
    appCallbackAlpha: service('AppCallbackAlpha'),
    appCallbackHealthCheck: service('AppCallbackHealthCheck'),
    health,
  };
  return cached;
}

/**
 * Dapr 1.18 made the Jobs API stable: `ScheduleJob`, `GetJob`, `DeleteJob`, `ListJobs` and
 * `DeleteJobsByPrefix` take the same messages as their `…Alpha1` names, which the `.proto` files
 * of `@dapr/dapr` 3.18 still carry alone. The stable paths are served with the same definitions.
 */
function withStableJobNames(dapr: ServiceDefinition): ServiceDefinition {
  const out: Record<string, MethodDefinition<unknown, unknown>> = { ...dapr };
  for (const alpha of Object.keys(dapr)) {
    if (!/Jobs?(ByPrefix)?Alpha1$/.test(alpha)) continue;
    const stable = alpha.replace(/Alpha1$/, '');
    if (out[stable]) continue;
    out[stable] = {
      ...dapr[alpha],
      path: `/${PACKAGE}.Dapr/${stable}`,
      originalName: stable.charAt(0).toLowerCase() + stable.slice(1),
    };
  }
  return out as ServiceDefinition;
}

/**
 * With the stable Jobs API, daprd triggers jobs on `AppCallback.OnJobEvent` first and falls back
 * to `AppCallbackAlpha.OnJobEventAlpha1` when the app answers UNIMPLEMENTED; the stable RPC takes
 * the alpha's messages, which the `.proto` files of `@dapr/dapr` 3.18 carry alone.
 */
function withStableJobEvent(appCallback: ServiceDefinition, alpha: ServiceDefinition): ServiceDefinition {
  if (appCallback.OnJobEvent || !alpha.OnJobEventAlpha1) return appCallback;
  const onJobEvent: MethodDefinition<unknown, unknown> = {
    ...alpha.OnJobEventAlpha1,
    path: `/${PACKAGE}.AppCallback/OnJobEvent`,
    originalName: 'onJobEvent',
  };
  return { ...appCallback, OnJobEvent: onJobEvent } as ServiceDefinition;
}

/** `grpc/health/v1/health.proto` as a protobufjs descriptor (the file is not in `@dapr/dapr`). */
const HEALTH_JSON = {
  nested: {
    grpc: {
      nested: {
        health: {
          nested: {
            v1: {
              nested: {
                HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
                HealthCheckResponse: {
                  fields: { status: { type: 'ServingStatus', id: 1 } },
                  nested: {
                    ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } },
                  },
                },
                Health: {
                  methods: {
                    Check: { requestType: 'HealthCheckRequest', responseType: 'HealthCheckResponse' },
                    Watch: {
                      requestType: 'HealthCheckRequest',
                      responseType: 'HealthCheckResponse',
                      responseStream: true,
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
