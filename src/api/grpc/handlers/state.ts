import { Errors } from '../../../errors/catalogue.js';
import { DaprError, GrpcCode } from '../../../errors/dapr-error.js';
import type { Consistency, StateOptions } from '../../../components/state/interface.js';
import type { DeleteInput, StateApi, StateItemInput, TransactionInput } from '../../universal/state.js';
import { rpc, type UnaryRpc } from '../server.js';
import { goMarshal } from './go-json.js';
import { checkSaveKeys, grpcState } from './state-errors.js';

/** `common.v1.StateOptions`, enums by name. */
interface StateOptionsPb {
  concurrency: string;
  consistency: string;
}

/** `common.v1.StateItem`. */
interface StateItemPb {
  key: string;
  value: Buffer;
  etag: { value: string } | null;
  metadata: Record<string, string>;
  options: StateOptionsPb | null;
}

interface GetStateRequest {
  storeName: string;
  key: string;
  consistency: string;
  metadata: Record<string, string>;
}

interface GetBulkStateRequest {
  storeName: string;
  keys: string[];
  parallelism: number;
  metadata: Record<string, string>;
}

interface DeleteStateRequest {
  storeName: string;
  key: string;
  etag: { value: string } | null;
  options: StateOptionsPb | null;
  metadata: Record<string, string>;
}

interface ExecuteStateTransactionRequest {
  storeName: string;
  operations: { operationType: string; request: StateItemPb | null }[];
  metadata: Record<string, string>;
}

interface QueryStateRequest {
  storeName: string;
  query: string;
  metadata: Record<string, string>;
}

/**
 * gRPC adapter of the state API (§1 of the reference): message shaping, and errors as daprd's gRPC
 * API shapes them (state-errors.ts).
 */
export function stateRpcs(api: StateApi): Record<string, UnaryRpc> {
  const rpcs: Record<string, (req: never) => Promise<unknown>> = {
    QueryStateAlpha1: async (req: QueryStateRequest) => {
      const out = await api.query(req.storeName, req.query, req.metadata);
      return {
        results: out.results.map((r) => ({ key: r.key, data: r.data, etag: r.etag ?? '', error: '' })),
        token: out.token ?? '',
        metadata: {},
      };
    },
    GetState: async (req: GetStateRequest) => {
      const item = await api.get(req.storeName, req.key, req.metadata, consistency(req.consistency), true);
      if (!item) return {};
      return { data: item.data, etag: item.etag ?? '', metadata: item.metadata ?? {} };
    },
    GetBulkState: async (req: GetBulkStateRequest) => {
      const items = await api.getBulk(req.storeName, req.keys, req.parallelism, req.metadata);
      return {
        items: items.map((i) => ({
          key: i.key,
          data: i.data ?? Buffer.alloc(0),
          etag: i.etag ?? '',
          error: i.error ?? '',
          metadata: i.metadata ?? {},
        })),
      };
    },
    SaveState: async (req: { storeName: string; states: StateItemPb[] }) => {
      api.store(req.storeName);
      checkSaveKeys(
        req.storeName,
        req.states.map((s) => s.key),
      );
      await api.save(req.storeName, req.states.map(toStateItem));
      return {};
    },
    DeleteState: async (req: DeleteStateRequest) => {
      const input = {
        key: req.key,
        etag: req.etag ? req.etag.value : undefined,
        metadata: req.metadata,
        options: options(req.options),
      };
      await api.delete(req.storeName, input, true);
      return {};
    },
    DeleteBulkState: async (req: { storeName: string; states: StateItemPb[] }) => {
      await api.deleteBulk(req.storeName, req.states.map(toDeleteItem));
      return {};
    },
    ExecuteStateTransaction: async (req: ExecuteStateTransactionRequest) => {
      api.store(req.storeName);
      const operations: TransactionInput[] = req.operations.map((op) => {
        if (!op.request) return { operation: op.operationType };
        // daprd hands a transaction's values to the store as the bytes sent (no JSON decoding).
        if (op.operationType === 'upsert')
          return {
            operation: 'upsert',
            request: { ...toDeleteItem(op.request), value: op.request.value, isBinary: true },
          };
        if (op.operationType === 'delete') return { operation: 'delete', request: toDeleteItem(op.request) };
        throw Errors.stateNotSupportedOperation(op.operationType);
      });
      await api.transaction(req.storeName, operations, req.metadata);
      return {};
    },
  };
  const out: Record<string, UnaryRpc> = {};
  for (const [name, fn] of Object.entries(rpcs)) out[name] = rpc(grpcState(fn));
  return out;
}

/**
 * A gRPC value is opaque bytes (stored as binary, e.g. base64 with `isbinary` in postgres v1)
 * unless the item's `contentType` metadata is `application/json`: then daprd decodes it and the
 * store keeps JSON (grpc.go SaveState).
 */
function toStateItem(s: StateItemPb): StateItemInput {
  const contentType = s.metadata.contentType as string | undefined;
  // daprd compares the metadata value with "application/json" exactly (grpc.go SaveState).
  const json = contentType === 'application/json';
  return {
    key: s.key,
    value: json ? jsonValue(s.value) : s.value,
    isBinary: !json,
    etag: s.etag ? s.etag.value : undefined,
    metadata: s.metadata,
    options: options(s.options),
    contentType,
  };
}

function toDeleteItem(s: StateItemPb): DeleteInput {
  return {
    key: s.key,
    etag: s.etag ? s.etag.value : undefined,
    metadata: s.metadata,
    options: options(s.options),
  };
}

/**
 * JSON bytes as daprd re-encodes them (json.Unmarshal into any, then the store marshals it: see
 * go-json.ts). Invalid JSON is the decoder's plain error: gRPC Unknown.
 */
function jsonValue(value: Buffer): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    throw new DaprError({
      errorCode: 'ERR_MALFORMED_REQUEST',
      httpStatus: 400,
      grpcCode: GrpcCode.UNKNOWN,
      message: (err as Error).message,
    });
  }
  return Buffer.from(goMarshal(parsed));
}

function options(o: StateOptionsPb | null): StateOptions {
  if (!o) return {};
  return { concurrency: concurrency(o.concurrency), consistency: consistency(o.consistency) };
}

function concurrency(v: string): StateOptions['concurrency'] {
  if (v === 'CONCURRENCY_FIRST_WRITE') return 'first-write';
  if (v === 'CONCURRENCY_LAST_WRITE') return 'last-write';
  return undefined;
}

function consistency(v: string): Consistency | undefined {
  if (v === 'CONSISTENCY_STRONG') return 'strong';
  if (v === 'CONSISTENCY_EVENTUAL') return 'eventual';
  return undefined;
}
