import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { resourceDir } from '../../helpers/resources.js';

/**
 * Test doubles for the observability cases: an OTLP/HTTP (JSON) trace receiver, a subscriber app,
 * and a small Prometheus text parser. All in the test process, on free ports.
 */

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/** OTLP ids are hex in OTLP/JSON; base64 (the protobuf JSON mapping) is accepted too. */
function hexId(v: unknown): string {
  if (typeof v !== 'string' || v === '') return '';
  return /^[0-9a-f]+$/.test(v) ? v : Buffer.from(v, 'base64').toString('hex');
}

function attrValue(v: Record<string, unknown>): string | number | boolean {
  if ('stringValue' in v) return v.stringValue as string;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('boolValue' in v) return Boolean(v.boolValue);
  return JSON.stringify(v);
}

function attrs(list: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const a of (list as { key: string; value: Record<string, unknown> }[] | undefined) ?? [])
    out[a.key] = attrValue(a.value);
  return out;
}

/** An OTLP/HTTP collector that accepts JSON `ExportTraceServiceRequest`s at `/v1/traces`. */
export class OtlpReceiver implements AsyncDisposable {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes: string[] = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const ref: { self?: OtlpReceiver } = {};
    const server = createServer((req, res) => {
      void readAll(req).then((body) => {
        ref.self?.accept(req.url ?? '', String(req.headers['content-type']), body);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    ref.self = new OtlpReceiver(server, await listen(server));
    return ref.self;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  private accept(url: string, contentType: string, body: Buffer): void {
    if (!url.startsWith('/v1/traces')) return;
    this.contentTypes.push(contentType);
    const req = JSON.parse(body.toString('utf8')) as {
      resourceSpans?: {
        resource?: { attributes?: unknown };
        scopeSpans?: { spans?: Record<string, unknown>[] }[];
      }[];
    };
    for (const rs of req.resourceSpans ?? []) {
      const service = String(attrs(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          this.spans.push({
            service,
            traceId: hexId(s.traceId),
            spanId: hexId(s.spanId),
            parentSpanId: hexId(s.parentSpanId),
            name: String(s.name),
            kind: Number(s.kind),
            attributes: attrs(s.attributes),
          });
    }
  }

  /** Waits until `count` spans arrived (the sidecar exports in batches). */
  async waitForSpans(count: number, timeoutMs = 15_000): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.spans.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(this.spans.length, JSON.stringify(this.spans.map((s) => s.name))).toBeGreaterThanOrEqual(count);
    return this.spans;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** The app's answer: a status, or a status and a JSON body. */
export type Answer = number | { status: number; body: string };

/**
 * A subscriber app: `GET /dapr/subscribe` lists `subscriptions`; each delivery is recorded, then
 * handed to `onEvent`, whose return value is the HTTP status to answer (default 200).
 */
export class TestApp implements AsyncDisposable {
  readonly deliveries: Delivery[] = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(
    subscriptions: { pubsubname: string; topic: string; route: string }[],
    onEvent: (d: Delivery) => Promise<Answer> | Answer = () => 200,
  ): Promise<TestApp> {
    const ref: { self?: TestApp } = {};
    const server = createServer((req, res) => {
      void readAll(req).then(async (body) => {
        if (req.method === 'GET' && req.url === '/dapr/subscribe') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(subscriptions));
          return;
        }
        const d: Delivery = {
          path: req.url ?? '',
          headers: req.headers,
          body: body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {},
        };
        ref.self?.deliveries.push(d);
        const answer = await onEvent(d);
        const { status, body: out } = typeof answer === 'number' ? { status: answer, body: '' } : answer;
        res.writeHead(status, out ? { 'content-type': 'application/json' } : {});
        res.end(out);
      });
    });
    ref.self = new TestApp(server, await listen(server));
    return ref.self;
  }

  async waitForDeliveries(count: number, timeoutMs = 15_000): Promise<Delivery[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.deliveries.length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    expect(this.deliveries.length).toBeGreaterThanOrEqual(count);
    return this.deliveries;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (0.0.4): `# HELP`/`# TYPE` lines and samples. */
export function parsePrometheusText(text: string): { samples: Sample[]; types: Record<string, string> } {
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# TYPE (\S+) (\S+)/.exec(line);
      if (m) types[m[1]] = m[2];
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (let l = re.exec(m[3] ?? ''); l; l = re.exec(m[3] ?? ''))
      labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    const v = m[4];
    samples.push({
      name: m[1],
      labels,
      value: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v),
    });
  }
  return { samples, types };
}

/** The value of the one sample matching `name` and `labels` (0 when absent). */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found.reduce((sum, s) => sum + s.value, 0);
}

export async function scrape(port: number): Promise<{ samples: Sample[]; types: Record<string, string> }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parsePrometheusText(await res.text());
}

export { inMemoryPubsubYaml as pubsubYaml } from '../../helpers/pubsub-sidecar.js';
export { waitForSubscriptions } from '../../helpers/subscriber-app.js';

/** A temporary folder with `config.yaml`: tracing every request to `receiver` over OTLP/HTTP. */
export function otlpTracingConfigDir(receiver: OtlpReceiver): { dir: string } & Disposable {
  return resourceDir({
    'config.yaml': configurationYaml(`tracing:
  samplingRate: "1"
  otel:
    endpointAddress: ${receiver.endpoint}
    protocol: http
    isSecure: false`),
  });
}

export function configurationYaml(spec: string): string {
  return `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: observability
spec:
${spec
  .split('\n')
  .map((l) => (l ? `  ${l}` : l))
  .join('\n')}
`;
}
