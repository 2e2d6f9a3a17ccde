import { request, type Agent } from 'node:http';

/**
 * A small deterministic HTTP fuzzer for the Dapr HTTP API: a seeded generator of malformed
 * requests (paths, query metadata, bodies, headers) over every route daprts serves, a raw sender
 * (node:http, so paths go out exactly as generated) with a per-request timeout, and the checks
 * every answer must pass. Failures name the seed and the request number, so a case replays with
 * `DAPRTS_FUZZ_SEED=<seed>`.
 */

/** mulberry32: tiny, fast, and the same sequence for a seed on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

export interface FuzzRequest {
  n: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Set on the one resend after a reused keep-alive connection was reset under the request. */
  retried?: boolean;
}

export interface FuzzResponse {
  /** The answer came on the resend after a keep-alive reset (see send). */
  retried?: boolean;
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  /** No answer within the per-request timeout. */
  timedOut?: boolean;
  /** The connection failed without an answer. */
  error?: string;
}

/** The names the sidecar under test has loaded (valid values the generator mixes in). */
export interface Names {
  stateStore: string;
  pubsub: string;
  secretStores: string[];
  secretNames: string[];
}

type BodyKind = 'stateItems' | 'bulkGet' | 'transaction' | 'event' | 'bulkPublish' | 'job' | 'text' | 'none';

interface RouteTemplate {
  methods: string[];
  path: (g: Gen) => string;
  body: BodyKind;
}

const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

/** Every route of the HTTP API (`src/api/http/paths.ts`) except `POST /v1.0/shutdown`. */
const ROUTES: RouteTemplate[] = [
  { methods: ['GET', 'DELETE'], path: (g) => `/v1.0/state/${g.store()}/${g.key()}`, body: 'none' },
  { methods: ['POST', 'PUT'], path: (g) => `/v1.0/state/${g.store()}`, body: 'stateItems' },
  { methods: ['POST', 'PUT'], path: (g) => `/v1.0/state/${g.store()}/bulk`, body: 'bulkGet' },
  { methods: ['POST', 'PUT'], path: (g) => `/v1.0/state/${g.store()}/transaction`, body: 'transaction' },
  { methods: ['POST', 'PUT'], path: (g) => `/v1.0/publish/${g.pubsub()}/${g.topic()}`, body: 'event' },
  { methods: ['POST', 'PUT'], path: (g) => `/v1.0/publish/${g.pubsub()}`, body: 'event' },
  {
    methods: ['POST', 'PUT'],
    path: (g) => `/v1.0/publish/bulk/${g.pubsub()}/${g.topic()}`,
    body: 'bulkPublish',
  },
  {
    methods: ['POST', 'PUT'],
    path: (g) => `/v1.0-alpha1/publish/bulk/${g.pubsub()}/${g.topic()}`,
    body: 'bulkPublish',
  },
  { methods: ['GET'], path: (g) => `/v1.0/secrets/${g.secretStore()}/${g.secretName()}`, body: 'none' },
  { methods: ['GET'], path: (g) => `/v1.0/secrets/${g.secretStore()}/bulk`, body: 'none' },
  { methods: ['POST'], path: (g) => `/v1.0-alpha1/jobs/${g.segment('job1')}`, body: 'job' },
  { methods: ['GET', 'DELETE'], path: (g) => `/v1.0-alpha1/jobs/${g.segment('job1')}`, body: 'none' },
  { methods: ['POST'], path: (g) => `/v1.0/jobs/${g.segment('job1')}`, body: 'job' },
  { methods: ['GET', 'DELETE'], path: (g) => `/v1.0/jobs/${g.segment('job1')}`, body: 'none' },
  { methods: ['GET'], path: () => `/v1.0/metadata`, body: 'none' },
  { methods: ['PUT'], path: (g) => `/v1.0/metadata/${g.segment('attr')}`, body: 'text' },
  { methods: ['GET'], path: () => `/v1.0/healthz`, body: 'none' },
  { methods: ['GET'], path: () => `/v1.0/healthz/outbound`, body: 'none' },
  { methods: ['GET'], path: (g) => `/v1.0/${g.segment('nothing-here')}`, body: 'none' },
];

/** Path segments that are not valid names: encodings, traversal, separators, unicode, huge. */
const BAD_SEGMENTS = [
  '',
  '%',
  '%zz',
  'abc%',
  '%E0%A4%A',
  '%C0%AF',
  '%FF%FE',
  '%00',
  'a%00b',
  '%0d%0a',
  '%0D%0AX-Injected:%201',
  '%2F',
  'a%2Fb',
  '%2e%2e',
  '..',
  '.',
  '||',
  'a||b',
  'a%7C%7Cb',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'bulk',
  'transaction',
  '*',
  ':',
  ';',
  ',',
  '~',
  "!$&'()+=@",
  '[]',
  '0',
  '-1',
  '1e309',
  'a/b',
  'a//b',
  'x/',
  encodeURIComponent('ключ-🔑-ü-\u202e-\u0301'),
  encodeURIComponent('\ud83d\ude00'.repeat(20)),
  // Raw Latin-1 bytes on the wire: not UTF-8.
  '\u00ff\u00e9\u00c3',
  '%ED%A0%80',
];

/** Small malformed or unexpected bodies. */
const SMALL_BODIES = [
  '',
  '{',
  '[',
  '{"a":',
  'null',
  'true',
  '1',
  '-0',
  '1e999',
  '"str"',
  '[]',
  '{}',
  '[1,2,3]',
  'nul',
  '\u0000',
  '\ufeff[{"key":"bom","value":1}]',
  '{"a":1}garbage',
  '{"a":1}{"b":2}',
  '{"a":1,"a":2}',
  '"\\ud800"',
  '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}',
];

const OVER_LIMIT = Buffer.alloc(4 * 1024 * 1024 + 100, 0x61);

export class Gen {
  constructor(
    readonly rng: Rng,
    private readonly names: Names,
  ) {}

  /** A valid value most of the time, else a malformed one. */
  segment(valid: string): string {
    const r = this.rng;
    const roll = r.next();
    if (roll < 0.45) return valid;
    if (roll < 0.85) return r.pick(BAD_SEGMENTS);
    if (roll < 0.93) return valid + r.pick(BAD_SEGMENTS);
    // Huge: past find-my-way's 4096-char parameter limit, and (rarely) past the header size limit.
    return 'x'.repeat(r.pick([4097, 9000, 15000, 70000]));
  }

  store(): string {
    return this.segment(this.rng.chance(0.8) ? this.names.stateStore : 'nostore');
  }
  key(): string {
    return this.segment(this.rng.pick(['k1', 'order-1', 'a%20b']));
  }
  pubsub(): string {
    return this.segment(this.rng.chance(0.8) ? this.names.pubsub : 'nopubsub');
  }
  topic(): string {
    const t = this.segment(this.rng.pick(['orders', 'a/b/c', 'allowed']));
    return this.rng.chance(0.1) ? `${t}/${this.segment('deeper')}` : t;
  }
  secretStore(): string {
    return this.segment(this.rng.chance(0.8) ? this.rng.pick(this.names.secretStores) : 'nosecrets');
  }
  secretName(): string {
    return this.segment(this.rng.pick(this.names.secretNames));
  }

  query(): string {
    const r = this.rng;
    if (r.chance(0.4)) return '';
    const params: string[] = [];
    const count = 1 + r.int(4);
    for (let i = 0; i < count; i++) {
      params.push(
        r.pick([
          'metadata.ttlInSeconds=abc',
          'metadata.ttlInSeconds=-1',
          'metadata.ttlInSeconds=99999999999999999999999',
          'metadata.ttlInSeconds=1.5',
          'metadata.ttl=1h',
          'metadata.rawPayload=maybe',
          'metadata.rawPayload=true',
          'metadata.rawPayload=',
          'metadata.=x',
          'metadata.',
          'metadata.contentType=%zz',
          'metadata.__proto__=polluted',
          'metadata.constructor=x',
          'metadata.namespace=..',
          'metadata.namespace=%2F..%2F',
          'metadata.partitionKey=' + 'p'.repeat(5000),
          'metadata.cloudevent.id=',
          'metadata.cloudevent.type=%00',
          'metadata.cloudevent.traceparent=garbage',
          'metadata.maxBulkPubBytes=0',
          'metadata.maxBulkPubBytes=-5',
          'metadata.ttlInSeconds=1&metadata.ttlInSeconds=2',
          'metadata.x=' + encodeURIComponent('é✓\u0000'),
          'appid=other',
          'appid=',
          'consistency=bogus',
          '%zz=1',
          '=',
          '&&&',
          'metadata.ttlInSeconds',
        ]),
      );
    }
    return '?' + params.join('&');
  }

  headers(method: string, body: BodyKind): Record<string, string> {
    const r = this.rng;
    const h: Record<string, string> = {};
    if (body !== 'none' || r.chance(0.2)) {
      const ct = r.pick([
        'application/json',
        'application/json',
        'text/plain',
        'application/cloudevents+json',
        'application/octet-stream',
        '',
        'application/json; charset=utf-999',
        ';;;',
        'application/json;;charset=',
        'multipart/form-data; boundary=',
        'application/x-www-form-urlencoded',
        'application/cloudevents-batch+json',
        'x/'.repeat(2000),
        '\u00ff\u00fe',
      ]);
      if (ct !== '' || r.chance(0.5)) h['content-type'] = ct;
    }
    if (method === 'DELETE' || r.chance(0.1))
      h['if-match'] = r.pick([
        '',
        '"abc"',
        'W/"1"',
        '*',
        '-1',
        '1e999',
        'abc',
        'e'.repeat(8000),
        '\u00e9',
        '0x10',
      ]);
    if (r.chance(0.15))
      h.traceparent = r.pick([
        '',
        'garbage',
        `00-${'z'.repeat(32)}-${'0'.repeat(16)}-01`,
        `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
        `00-${'0'.repeat(32)}-${'0'.repeat(16)}-00`,
        't'.repeat(9000),
      ]);
    if (r.chance(0.1)) h.tracestate = r.pick(['=,=,=', 'a=b'.repeat(3000), ',,,', 'k=\u00ff']);
    if (r.chance(0.03)) h['x-fuzz-huge'] = 'h'.repeat(20_000);
    if (r.chance(0.03)) for (let i = 0; i < 120; i++) h[`x-fuzz-${i}`] = String(i);
    if (r.chance(0.03)) h['dapr-app-id'] = r.pick(['other-app', '', '..', '%zz']);
    if (r.chance(0.05)) h['accept-encoding'] = r.pick(['gzip;q=garbage', '*;q=-1', 'br, gzip, deflate']);
    return h;
  }

  /** Bodies that are not what the route expects, or not JSON at all. */
  private genericBody(): Buffer {
    const r = this.rng;
    const roll = r.next();
    if (roll < 0.1) return r.bytes(r.pick([1, 64, 4096]));
    if (roll < 0.13)
      return Buffer.concat([
        Buffer.from('[{"key":"'),
        Buffer.from([0xff, 0xc3, 0x28]),
        Buffer.from('","value":1}]'),
      ]);
    if (roll < 0.14) return OVER_LIMIT; // over the 4 MB body limit
    if (roll < 0.3) {
      const depth = r.pick([100, 3000, 50_000]);
      return Buffer.from(
        r.pick([
          () => '['.repeat(depth) + ']'.repeat(depth),
          () => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
          () => '"' + 'x'.repeat(r.pick([70_000, 1_000_000])) + '"',
          () => JSON.stringify(Array.from({ length: 100_000 }, (_, i) => i)),
        ])(),
      );
    }
    return Buffer.from(r.pick(SMALL_BODIES));
  }

  /** A value of a random JSON type, often the wrong one. */
  private anyValue(): unknown {
    const r = this.rng;
    return r.pick<unknown>([
      null,
      0,
      -1,
      1.5,
      1e308,
      '',
      'str',
      'a||b',
      '\u0000',
      'é✓🔑',
      true,
      [],
      [1, 'a', null],
      {},
      { a: { b: { c: [] } } },
      'y'.repeat(10_000),
      { __proto__: null, x: 1 },
    ]);
  }

  body(kind: BodyKind): Buffer | undefined {
    const r = this.rng;
    if (kind === 'none') return r.chance(0.1) ? this.genericBody() : undefined;
    if (r.chance(0.35)) return this.genericBody();
    const v = () => this.anyValue();
    const obj = (fields: Record<string, () => unknown>) => {
      const o: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(fields)) if (r.chance(0.7)) o[k] = f();
      return o;
    };
    const many = <T>(f: () => T) => Array.from({ length: r.pick([1, 2, 3, 1000]) }, f);
    let value: unknown;
    switch (kind) {
      case 'stateItems': {
        const item = () =>
          r.chance(0.2)
            ? v()
            : obj({
                key: () => (r.chance(0.6) ? r.pick(['k1', 'a||b', '', 'é🔑']) : v()),
                value: v,
                etag: () => r.pick<unknown>(['', 'abc', '-1', '99999999999999999999', 123, {}, null]),
                metadata: () =>
                  r.pick<unknown>([
                    [],
                    'x',
                    { ttlInSeconds: 'abc' },
                    { ttlInSeconds: {} },
                    { ttlInSeconds: '-5' },
                    { contentType: 5 },
                  ]),
                options: () =>
                  r.pick<unknown>([
                    'x',
                    { concurrency: 'bogus' },
                    { consistency: 5 },
                    { concurrency: 'first-write' },
                    [],
                  ]),
              });
        value = r.chance(0.2) ? item() : many(item);
        break;
      }
      case 'bulkGet':
        value = r.chance(0.2)
          ? v()
          : obj({
              keys: () =>
                r.pick<unknown>([
                  'k',
                  [1, 2],
                  [null],
                  {},
                  [],
                  Array.from({ length: 5000 }, (_, i) => `k${i}`),
                  ['a||b'],
                ]),
              parallelism: () => r.pick<unknown>([-1, 0, 'x', 1e9, 1.5]),
              metadata: () => r.pick<unknown>(['x', [], { ttlInSeconds: 'x' }]),
            });
        break;
      case 'transaction': {
        const op = () =>
          r.chance(0.2)
            ? v()
            : obj({
                operation: () => r.pick<unknown>(['upsert', 'delete', 'bogus', 5, '', 'UPSERT']),
                request: () =>
                  r.chance(0.3)
                    ? v()
                    : obj({
                        key: () => (r.chance(0.6) ? 'k1' : v()),
                        value: v,
                        etag: () => r.pick<unknown>(['x', 1, {}]),
                        metadata: v,
                        options: v,
                      }),
              });
        value = r.chance(0.2)
          ? v()
          : obj({ operations: () => (r.chance(0.2) ? v() : many(op)), metadata: v });
        break;
      }
      case 'event':
        value = r.pick<unknown>([
          { specversion: 5 },
          { specversion: '1.0', data_base64: '!!!', datacontenttype: 'application/octet-stream' },
          { id: {}, source: [], type: null, data: v() },
          {
            specversion: '1.0',
            id: 'x',
            source: 's',
            type: 't',
            topic: 'other',
            pubsubname: 'other',
            data: v(),
          },
          v(),
        ]);
        break;
      case 'bulkPublish': {
        const entry = () =>
          r.chance(0.2)
            ? v()
            : obj({
                entryId: () => (r.chance(0.6) ? r.pick(['1', '2', '1']) : v()),
                event: v,
                contentType: () =>
                  r.pick<unknown>([
                    'application/json',
                    'application/octet-stream',
                    'text/plain',
                    'application/cloudevents+json',
                    'image/png',
                    5,
                    '',
                  ]),
                metadata: () =>
                  r.pick<unknown>(['x', [], { rawPayload: 'maybe' }, { ttlInSeconds: {} }, v()]),
              });
        value = r.chance(0.15) ? { entries: many(entry) } : many(entry);
        break;
      }
      case 'job':
        value = obj({
          schedule: () =>
            r.pick<unknown>(['@every 1h', '@every -1s', '* * *', '', 5, '@daily', 'R5/PT1S', '0 0 31 2 *']),
          dueTime: () => r.pick<unknown>(['garbage', '-1s', '2000-01-01T00:00:00Z', '99999h', 1]),
          repeats: () => r.pick<unknown>([-1, 0, 'x', 1e12, 1.5]),
          ttl: () => r.pick<unknown>(['x', '-1h', '1s', 1]),
          data: v,
          name: () => r.pick<unknown>(['job1', 5, '']),
          overwrite: () => r.pick<unknown>([true, 'yes', 1]),
          failurePolicy: () =>
            r.pick<unknown>([{ constant: { interval: 'x', maxRetries: -1 } }, { drop: {} }, 'x', {}]),
        });
        break;
      case 'text':
        return r.chance(0.5) ? Buffer.from(r.pick(['', 'value', 'é✓', 'v'.repeat(100_000)])) : r.bytes(256);
    }
    return Buffer.from(JSON.stringify(value));
  }

  request(n: number): FuzzRequest {
    const r = this.rng;
    const route = r.pick(ROUTES);
    const method = r.chance(0.85) ? r.pick(route.methods) : r.pick(ALL_METHODS);
    const path = route.path(this) + this.query();
    const body =
      method === 'GET' || method === 'HEAD'
        ? r.chance(0.05)
          ? this.body(route.body)
          : undefined
        : this.body(route.body);
    return { n, method, path, headers: this.headers(method, route.body), body };
  }
}

/** Sends one request as generated, with a timeout; never throws. */
export function send(port: number, agent: Agent, req: FuzzRequest, timeoutMs: number): Promise<FuzzResponse> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: FuzzResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    let timer: NodeJS.Timeout;
    try {
      const cr = request(
        { host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            finish({
              status: res.statusCode,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', (e) => finish({ error: `response: ${e.message}` }));
        },
      );
      timer = setTimeout(() => {
        finish({ timedOut: true });
        cr.destroy();
      }, timeoutMs);
      cr.on('error', (e) => {
        // Node's keep-alive race (documented with `request.reusedSocket`): a pooled connection can
        // be closed under a request just handed to it. That is the client's to retry, once, on a
        // new connection; the retry's answer is judged like any other, and it is counted.
        const code = (e as NodeJS.ErrnoException).code;
        if (cr.reusedSocket && (code === 'ECONNRESET' || e.message === 'socket hang up') && !req.retried) {
          done = true;
          clearTimeout(timer);
          void send(port, agent, { ...req, retried: true }, timeoutMs).then((r) =>
            resolve({ ...r, retried: true }),
          );
          return;
        }
        finish({ error: e.message });
      });
      if (req.body !== undefined) cr.end(req.body);
      else cr.end();
    } catch (e) {
      // The client itself refused what was generated (not a server behaviour): skipped.
      timer = setTimeout(() => undefined, 0);
      finish({ error: `client refused: ${(e as Error).message}` });
    }
  });
}

/** Markers of leaked internals: stack frames, source/file paths, Node internals. */
const LEAKS: [RegExp, string][] = [
  [/\n\s+at [^\n]+[(:]\d+/, 'stack trace'],
  [/\bat (async )?[\w.<>]+ \((file:|node:|\/)/, 'stack frame'],
  [/node:internal/, 'node internals'],
  [/\/(work|tmp|home|root|usr)\//, 'file path'],
  [/node_modules/, 'node_modules path'],
  [/\bdist\/[\w/-]+\.js/, 'build path'],
  [/\.(ts|js|mjs):\d+/, 'source location'],
];

/** What is wrong with one answer (empty when it passes). */
export function problems(req: FuzzRequest, res: FuzzResponse, extraSecrets: string[] = []): string[] {
  const out: string[] = [];
  if (res.timedOut) return ['no answer within the timeout (hang)'];
  if (res.error !== undefined) {
    if (res.error.startsWith('client refused')) return [];
    // A request the HTTP layer rejects may be answered and closed; a reset with no answer is not.
    return [`connection failed without an answer: ${res.error}`];
  }
  const status = res.status ?? 0;
  const body = res.body ?? '';
  const type = String(res.headers?.['content-type'] ?? '');
  if (status >= 500) {
    let parsed: { errorCode?: unknown; message?: unknown } | undefined;
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    if (!type.startsWith('application/json')) out.push(`${status} with content-type "${type}"`);
    if (!parsed || typeof parsed.errorCode !== 'string' || parsed.errorCode === '')
      out.push(`${status} without an errorCode: ${body.slice(0, 200)}`);
    else if (typeof parsed.message !== 'string')
      out.push(`${status} without a message: ${body.slice(0, 200)}`);
    // ERR_INTERNAL is daprts' wrapper for an exception that escaped a handler: daprd answers
    // malformed input with the building block's own code, never with an internal error.
    else if (parsed.errorCode === 'ERR_INTERNAL')
      out.push(`unhandled exception in a handler: ${body.slice(0, 200)}`);
  }
  for (const [re, what] of LEAKS) if (re.test(body)) out.push(`${what} in the body: ${body.slice(0, 300)}`);
  for (const s of extraSecrets) if (body.includes(s)) out.push(`leaked "${s}" in the body`);
  return out;
}

/** A one-line description of a request for failure messages. */
export function describe(req: FuzzRequest): string {
  const path = req.path.length > 160 ? `${req.path.slice(0, 160)}…(${req.path.length} chars)` : req.path;
  const body =
    req.body === undefined
      ? 'no body'
      : `${req.body.length}-byte body ${JSON.stringify(req.body.subarray(0, 60).toString('latin1'))}`;
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v}`)
    .slice(0, 6)
    .join('; ');
  return `#${req.n} ${req.method} ${path} [${headers}] ${body}`;
}
