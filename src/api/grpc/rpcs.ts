import type { StreamingSubscriptions } from '../../messaging/streaming.js';
import type { JobsApi } from '../universal/jobs.js';
import type { MetadataApi } from '../universal/metadata.js';
import type { PubSubApi } from '../universal/pubsub.js';
import type { SecretsApi } from '../universal/secrets.js';
import type { StateApi } from '../universal/state.js';
import { jobRpcs } from './handlers/jobs.js';
import { metadataRpcs } from './handlers/metadata.js';
import { pubsubRpcs } from './handlers/pubsub.js';
import { secretRpcs } from './handlers/secrets.js';
import { stateRpcs } from './handlers/state.js';
import { subscribeRpcs } from './handlers/subscribe.js';
import type { RpcTable } from './server.js';

/** The universal APIs the gRPC adapters sit on (the same objects the HTTP routes use). */
export interface GrpcApis {
  state: StateApi;
  pubsub: PubSubApi;
  secrets: SecretsApi;
  metadata: MetadataApi;
  streaming: StreamingSubscriptions;
  /** The Jobs API once a job store is configured; jobs RPCs fail until then. */
  jobs?: () => JobsApi | undefined;
  /** Called after `Shutdown` answered. */
  shutdown: () => void;
}

/** Every RPC of `dapr.proto.runtime.v1.Dapr` daprts serves; the others answer UNIMPLEMENTED. */
export function daprRpcs(apis: GrpcApis): RpcTable {
  return {
    unary: {
      ...stateRpcs(apis.state),
      ...pubsubRpcs(apis.pubsub),
      ...secretRpcs(apis.secrets),
      ...metadataRpcs(apis.metadata, apis.shutdown),
      ...jobRpcs(apis.jobs ?? (() => undefined)),
    },
    streams: subscribeRpcs(apis.streaming),
  };
}
