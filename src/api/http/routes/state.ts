import type { IncomingMessage } from 'node:http';
import type { StateApi, StateItemInput, TransactionInput, DeleteInput } from '../../universal/state.js';
import { Errors } from '../../../errors/catalogue.js';
import { goFields } from '../../../resources/case-insensitive.js';
import { noContent, rawJson } from '../respond.js';
import { queryMetadata, queryValue, readJson } from '../request.js';
import { Paths } from '../paths.js';
import type { Route } from '../route.js';
import type { BulkGetItem, QueryItem, StateOptions } from '../../../components/state/interface.js';

/** HTTP adapter of the state API (§1 of the reference): parsing and shaping only. */
export function stateRoutes(api: StateApi): Route[] {
  return [
    {
      methods: ['GET'],
      path: Paths.stateKey,
      handler: async (_req, res, { params, query }) => {
        const metadata = queryMetadata(query);
        const consistency = queryValue(query, 'consistency') as 'strong' | 'eventual' | undefined;
        const item = await api.get(params.storeName!, params.key!, metadata, consistency);
        if (!item) return noContent(res);
        const headers: Record<string, string> = {};
        if (item.etag) headers.etag = item.etag;
        if (item.metadata) for (const k in item.metadata) headers[`metadata.${k}`] = item.metadata[k];
        rawJson(res, item.data, headers);
      },
    },
    {
      methods: ['POST', 'PUT'],
      path: Paths.stateStore,
      handler: async (_req, res, { params, query, body }) => {
        const storeName = params.storeName!;
        api.store(storeName);
        // daprd decodes into a slice: `null` is an empty list (204), anything else not an array is 400.
        const parsed = (await readJson(body)) ?? [];
        if (!Array.isArray(parsed)) throw Errors.malformedRequest('expected a JSON array of state items');
        const urlMeta = queryMetadata(query);
        await api.save(
          storeName,
          parsed.map((raw) => toStateItem(raw, urlMeta)),
        );
        noContent(res);
      },
    },
    {
      // The Query API (alpha): 200 {results, token?}, or 204 when nothing matched (as daprd).
      methods: ['POST', 'PUT'],
      path: Paths.stateQueryAlpha,
      handler: async (_req, res, { params, query, body }) => {
        const storeName = params.storeName!;
        api.store(storeName);
        const out = await api.query(storeName, (await body()).toString('utf8'), queryMetadata(query));
        if (out.results.length === 0) return noContent(res);
        let text = '{"results":[' + out.results.map(queryItemJson).join(',') + ']';
        if (out.token) text += ',"token":' + JSON.stringify(out.token);
        rawJson(res, text + '}');
      },
    },
    {
      methods: ['DELETE'],
      path: Paths.stateKey,
      handler: async (req, res, { params, query }) => {
        const etag = ifMatch(req);
        await api.delete(params.storeName!, {
          key: params.key!,
          etag,
          metadata: queryMetadata(query),
          options: {
            concurrency: queryValue(query, 'concurrency'),
            consistency: queryValue(query, 'consistency'),
          } as StateOptions,
        });
        noContent(res);
      },
    },
    {
      methods: ['POST', 'PUT'],
      path: Paths.stateBulk,
      handler: async (_req, res, { params, query, body }) => {
        const storeName = params.storeName!;
        api.store(storeName);
        // `null` decodes into daprd's request struct as an empty request.
        const raw = (await readJson(body)) ?? {};
        if (typeof raw !== 'object' || Array.isArray(raw))
          throw Errors.malformedRequest('expected a JSON object with "keys"');
        const parsed = goFields(raw as Record<string, unknown>, BULK_FIELDS);
        const keys = parsed.keys ?? [];
        if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string'))
          throw Errors.malformedRequest('"keys" must be an array of strings');
        const metadata = { ...stringMap(parsed.metadata), ...queryMetadata(query) };
        const items = await api.getBulk(
          storeName,
          keys as string[],
          parallelismOf(parsed.parallelism),
          metadata,
        );
        rawJson(res, '[' + items.map(bulkItemJson).join(',') + ']');
      },
    },
    {
      methods: ['POST', 'PUT'],
      path: Paths.stateTransaction,
      handler: async (_req, res, { params, query, body }) => {
        const storeName = params.storeName!;
        api.store(storeName);
        const raw = (await readJson(body)) ?? {};
        if (typeof raw !== 'object' || Array.isArray(raw))
          throw Errors.malformedRequest('expected a JSON object with "operations"');
        const parsed = goFields(raw as Record<string, unknown>, TRANSACTION_FIELDS);
        const ops = parsed.operations ?? [];
        if (!Array.isArray(ops)) throw Errors.malformedRequest('"operations" must be an array');
        const urlMeta = queryMetadata(query);
        const metadata = { ...stringMap(parsed.metadata), ...urlMeta };
        const operations: TransactionInput[] = ops.map((op: unknown) => {
          // daprd decodes each operation into a struct: `null` or a missing field is its zero value
          // (an operation named "" is then unsupported; a request without key targets key "").
          if (op !== null && (typeof op !== 'object' || Array.isArray(op)))
            throw Errors.malformedRequest('each operation must be an object');
          const { operation = '', request = {} } = goFields(
            (op ?? {}) as Record<string, unknown>,
            OPERATION_FIELDS,
          );
          if (typeof operation !== 'string') throw Errors.malformedRequest('operation type must be a string');
          if (operation === 'upsert') return { operation, request: toStateItem(request ?? {}, urlMeta) };
          if (operation === 'delete') return { operation, request: toDeleteItem(request ?? {}, urlMeta) };
          throw Errors.stateNotSupportedOperation(operation);
        });
        await api.transaction(storeName, operations, metadata);
        noContent(res);
      },
    },
  ];
}

/**
 * Field names as daprd's decoders match them, whatever the case in the body: Go's `encoding/json`
 * for the request structs, mapstructure (also case-insensitive) for a transaction's `request`.
 * Free-form maps (`metadata`) keep their keys as sent.
 */
const SET_FIELDS = ['key', 'value', 'etag', 'metadata', 'options', 'contentType'] as const;
const DELETE_FIELDS = ['key', 'etag', 'metadata', 'options'] as const;
const OPTION_FIELDS = ['concurrency', 'consistency'] as const;
const BULK_FIELDS = ['keys', 'parallelism', 'metadata'] as const;
const TRANSACTION_FIELDS = ['operations', 'metadata'] as const;
const OPERATION_FIELDS = ['operation', 'request'] as const;

/** One `[{key, value, etag, metadata, options}]` element; the value is kept as its JSON encoding. */
function toStateItem(raw: unknown, urlMeta: Record<string, string>): StateItemInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw Errors.malformedRequest('each state item must be a JSON object');
  const r = goFields(raw as Record<string, unknown>, SET_FIELDS);
  const value = r.value === undefined ? 'null' : JSON.stringify(r.value);
  return {
    key: keyOf(r.key),
    value: Buffer.from(value),
    etag: etagOf(r.etag),
    metadata: { ...stringMap(r.metadata), ...urlMeta },
    options: optionsOf(r.options),
    contentType: typeof r.contentType === 'string' ? r.contentType : undefined,
  };
}

function toDeleteItem(raw: unknown, urlMeta: Record<string, string>): DeleteInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw Errors.malformedRequest('each delete request must be a JSON object');
  const r = goFields(raw as Record<string, unknown>, DELETE_FIELDS);
  return {
    key: keyOf(r.key),
    etag: etagOf(r.etag),
    metadata: { ...stringMap(r.metadata), ...urlMeta },
    options: optionsOf(r.options),
  };
}

/** `key` decodes into a Go string: absent or null is "", any other non-string a malformed body. */
function keyOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  throw Errors.malformedRequest(
    `json: cannot unmarshal ${typeof v} into Go struct field .key of type string`,
  );
}

/** `parallelism` decodes into a Go int: absent or null is 0 (all at once), a non-integer is malformed. */
function parallelismOf(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw Errors.malformedRequest(
    `json: cannot unmarshal ${typeof v} into Go struct field BulkGetRequest.parallelism of type int`,
  );
}

function etagOf(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  // daprd decodes `etag` into a *string: a number (or anything else) is a malformed body.
  throw Errors.malformedRequest(
    `json: cannot unmarshal ${typeof v} into Go struct field SetRequest.etag of type string`,
  );
}

function optionsOf(v: unknown): StateOptions {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object') throw Errors.malformedRequest('options must be an object');
  const o = goFields(v as Record<string, unknown>, OPTION_FIELDS);
  return {
    concurrency: o.concurrency as StateOptions['concurrency'],
    consistency: o.consistency as StateOptions['consistency'],
  };
}

/**
 * Metadata decodes into a Go map of strings: a null value is "", any other non-string (a number
 * such as `"ttlInSeconds": 120` included) makes the whole body malformed, as in daprd.
 */
function stringMap(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw Errors.malformedRequest('metadata must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (val !== null && typeof val !== 'string')
      throw Errors.malformedRequest(
        `json: cannot unmarshal ${Array.isArray(val) ? 'array' : typeof val} into Go value of type string (metadata.${k})`,
      );
    out[k] = val ?? '';
  }
  return out;
}

/** Raw `If-Match` (Dapr does not unquote); empty means none. */
function ifMatch(req: IncomingMessage): string | undefined {
  const v = req.headers['if-match'];
  return v ? v : undefined;
}

/** A bulk item with `data` embedded as raw JSON (stored bytes are JSON for HTTP-saved values). */
function bulkItemJson(i: BulkGetItem): string {
  let s = '{"key":' + JSON.stringify(i.key);
  if (i.data !== undefined) s += ',"data":' + embedJson(i.data);
  if (i.etag) s += ',"etag":' + JSON.stringify(i.etag);
  if (i.metadata && Object.keys(i.metadata).length > 0) s += ',"metadata":' + JSON.stringify(i.metadata);
  if (i.error) s += ',"error":' + JSON.stringify(i.error);
  return s + '}';
}

function queryItemJson(i: QueryItem): string {
  let s = '{"key":' + JSON.stringify(i.key) + ',"data":' + embedJson(i.data);
  if (i.etag) s += ',"etag":' + JSON.stringify(i.etag);
  return s + '}';
}

function embedJson(data: Buffer): string {
  const text = data.toString('utf8');
  try {
    JSON.parse(text);
    return text;
  } catch {
    // Opaque bytes saved over gRPC: embedded as a JSON string of their base64 form.
    return JSON.stringify(data.toString('base64'));
  }
}
