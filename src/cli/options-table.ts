/**
 * Every `run`/`sidecar` option declared once: flag (daprd's name), short flag (dapr run's), env
 * var, run-file key, default and help. Parsing and `--help` both come from this table.
 */
export type OptionKind = 'string' | 'int' | 'bool' | 'list';

export interface OptionSpec {
  /** Long flag without dashes, daprd's spelling. */
  flag: string;
  short?: string;
  aliases?: string[];
  env?: string;
  /** Key in a multi-app run file (`dapr run -f`). */
  runFileKey?: string;
  kind: OptionKind;
  default?: string | number | boolean;
  help: string;
  /** Accepted for daprd compatibility but has no effect here (the help says why). */
  compatOnly?: string;
}

export const OPTIONS: OptionSpec[] = [
  {
    flag: 'app-id',
    short: 'a',
    env: 'APP_ID',
    runFileKey: 'appID',
    kind: 'string',
    help: 'The id of the application (required)',
  },
  {
    flag: 'app-port',
    short: 'p',
    env: 'APP_PORT',
    runFileKey: 'appPort',
    kind: 'int',
    help: 'The port the application listens on (none: no app channel)',
  },
  {
    flag: 'app-protocol',
    short: 'P',
    env: 'APP_PROTOCOL',
    runFileKey: 'appProtocol',
    kind: 'string',
    default: 'http',
    help: 'Protocol of the app channel: http, grpc, https, grpcs, h2c',
  },
  {
    flag: 'app-channel-address',
    env: 'APP_CHANNEL_ADDRESS',
    runFileKey: 'appChannelAddress',
    kind: 'string',
    default: '127.0.0.1',
    help: 'Network address the application listens on',
  },
  {
    flag: 'dapr-http-port',
    short: 'H',
    env: 'DAPR_HTTP_PORT',
    runFileKey: 'daprHTTPPort',
    kind: 'int',
    default: 3500,
    help: 'HTTP port of the Dapr API (0 picks a free port)',
  },
  {
    flag: 'dapr-grpc-port',
    short: 'G',
    env: 'DAPR_GRPC_PORT',
    runFileKey: 'daprGRPCPort',
    kind: 'int',
    default: 50001,
    help: 'gRPC port of the Dapr API',
  },
  {
    flag: 'dapr-listen-addresses',
    env: 'DAPR_LISTEN_ADDRESSES',
    kind: 'string',
    default: '127.0.0.1',
    help: 'Address the API listens on ("0.0.0.0" or "" for every interface; the sidecar command defaults to every interface)',
  },
  {
    flag: 'resources-path',
    short: 'd',
    aliases: ['components-path'],
    env: 'DAPR_RESOURCES_PATH',
    runFileKey: 'resourcesPaths',
    kind: 'list',
    help: 'Folder of resource YAML (repeatable). None: the embedded default (state store "statestore" in a local file)',
  },
  {
    flag: 'config',
    short: 'c',
    env: 'DAPR_CONFIG',
    runFileKey: 'configFilePath',
    kind: 'list',
    help: 'Path of a Configuration resource file (repeatable: later files apply over earlier ones)',
  },
  {
    flag: 'log-level',
    env: 'DAPR_LOG_LEVEL',
    runFileKey: 'logLevel',
    kind: 'string',
    default: 'info',
    help: 'debug, info, warn, error or fatal',
  },
  {
    flag: 'log-as-json',
    env: 'DAPR_LOG_AS_JSON',
    kind: 'bool',
    default: false,
    help: "Log in daprd's JSON fields",
  },
  {
    flag: 'enable-api-logging',
    env: 'DAPR_ENABLE_API_LOGGING',
    runFileKey: 'enableApiLogging',
    kind: 'bool',
    // No default: unset leaves it to `logging.apiLogging.enabled`; set, either way, it wins (daprd).
    help: 'Log every API call (method, path, status, duration); overrides logging.apiLogging.enabled (default false)',
  },
  {
    flag: 'dapr-http-max-request-size',
    env: 'DAPR_HTTP_MAX_REQUEST_SIZE',
    runFileKey: 'daprHTTPMaxRequestSize',
    kind: 'int',
    default: 4,
    help: 'Max request body in MB',
  },
  {
    flag: 'max-body-size',
    env: 'DAPR_MAX_BODY_SIZE',
    kind: 'string',
    help: 'Max request body, e.g. "4Mi" (wins over --dapr-http-max-request-size)',
  },
  {
    flag: 'dapr-graceful-shutdown-seconds',
    env: 'DAPR_GRACEFUL_SHUTDOWN_SECONDS',
    kind: 'int',
    default: 5,
    help: 'Seconds to drain on shutdown',
  },
  {
    flag: 'metrics-port',
    short: 'M',
    env: 'DAPR_METRICS_PORT',
    runFileKey: 'metricsPort',
    kind: 'int',
    default: 9090,
    help: 'Port of the Prometheus metrics endpoint',
  },
  {
    flag: 'enable-metrics',
    env: 'DAPR_ENABLE_METRICS',
    kind: 'bool',
    default: true,
    help: 'Serve Prometheus metrics',
  },
  {
    flag: 'app-max-concurrency',
    env: 'APP_MAX_CONCURRENCY',
    runFileKey: 'appMaxConcurrency',
    kind: 'int',
    default: -1,
    help: 'Max concurrent calls to the app (-1: unlimited)',
  },
  {
    flag: 'data-dir',
    env: 'DAPRTS_DATA_DIR',
    kind: 'string',
    default: '.daprts',
    help: 'Folder of the embedded default components',
  },
  {
    flag: 'mode',
    env: 'DAPR_MODE',
    kind: 'string',
    default: 'standalone',
    help: 'standalone or kubernetes (kubernetes adds the built-in "kubernetes" secret store)',
  },
  {
    flag: 'disable-builtin-k8s-secret-store',
    env: 'DAPR_DISABLE_BUILTIN_K8S_SECRET_STORE',
    kind: 'bool',
    default: false,
    help: 'Do not add the built-in "kubernetes" secret store in kubernetes mode',
  },
  {
    flag: 'app-api-token',
    env: 'APP_API_TOKEN',
    kind: 'string',
    help: 'Token sent to the app as dapr-api-token (prefer the env var)',
  },
  {
    flag: 'enable-app-health-check',
    env: 'DAPR_ENABLE_APP_HEALTH_CHECK',
    kind: 'bool',
    default: false,
    help: 'Probe the app health endpoint',
  },
  {
    flag: 'app-health-check-path',
    env: 'DAPR_APP_HEALTH_CHECK_PATH',
    kind: 'string',
    default: '/healthz',
    help: 'Path of the app health probe',
  },
  {
    flag: 'app-health-probe-interval',
    env: 'DAPR_APP_HEALTH_PROBE_INTERVAL',
    kind: 'int',
    default: 5,
    help: 'Seconds between app health probes',
  },
  {
    flag: 'app-health-probe-timeout',
    env: 'DAPR_APP_HEALTH_PROBE_TIMEOUT',
    kind: 'int',
    default: 500,
    help: 'Timeout of an app health probe in ms',
  },
  {
    flag: 'app-health-threshold',
    env: 'DAPR_APP_HEALTH_THRESHOLD',
    kind: 'int',
    default: 3,
    help: 'Failed probes before the app is unhealthy',
  },
  {
    flag: 'placement-host-address',
    env: 'DAPR_PLACEMENT_HOST_ADDRESS',
    kind: 'string',
    help: 'Accepted for daprd compatibility',
    compatOnly: 'actors are not supported',
  },
  {
    flag: 'scheduler-host-address',
    env: 'DAPR_SCHEDULER_HOST_ADDRESS',
    kind: 'string',
    help: 'Accepted for daprd compatibility',
    compatOnly: 'jobs are kept in a scheduler component, no scheduler service is used',
  },
];

export type ParsedOptions = Record<string, string | number | boolean | string[] | undefined>;
