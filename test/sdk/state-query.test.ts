import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommunicationProtocolEnum, DaprClient } from '@dapr/dapr';
import { startRuntime, type Runtime } from '../../src/index.js';

const PG = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = `sdk_query_${randomBytes(4).toString('hex')}`;

/** The official SDK's state.query (HTTP and gRPC clients) against state.postgresql v1 on daprts. */
describe.each([
  { name: 'HTTP', protocol: CommunicationProtocolEnum.HTTP },
  { name: 'gRPC', protocol: CommunicationProtocolEnum.GRPC },
])('@dapr/dapr DaprClient ($name) state.query', ({ protocol }) => {
  let rt: Runtime;
  let client: DaprClient;

  beforeAll(async () => {
    rt = await startRuntime({
      appId: `sdkquery${protocol}`,
      grpcPort: 0,
      components: [
        {
          name: 'statestore',
          type: 'state.postgresql',
          metadata: {
            connectionString: PG,
            tableName: `${table}_${protocol}`,
            metadataTableName: `${table}_${protocol}_meta`,
          },
        },
      ],
    });
    client = new DaprClient({
      daprHost: '127.0.0.1',
      daprPort: String(protocol === CommunicationProtocolEnum.HTTP ? rt.httpPort : rt.grpcPort),
      communicationProtocol: protocol,
    });
    // Saved over HTTP: values saved over gRPC are bytes, which postgresql v1 keeps base64-encoded
    // (as daprd does), and only JSON values can be queried.
    const saved = await fetch(`${rt.httpUrl}/v1.0/state/statestore`, {
      method: 'POST',
      body: JSON.stringify([
        { key: 'a', value: { kind: 'x', n: 3 } },
        { key: 'b', value: { kind: 'y', n: 1 } },
        { key: 'c', value: { kind: 'x', n: 2 } },
      ]),
    });
    expect(saved.status).toBe(204);
  });

  afterAll(async () => {
    await client?.stop();
    await rt?.close();
    const c = new pg.Client({ connectionString: PG });
    await c.connect();
    await c.query(
      `DROP TABLE IF EXISTS ${table}_${protocol}; DROP TABLE IF EXISTS ${table}_${protocol}_meta`,
    );
    await c.end();
  });

  it('filters, sorts and pages', async () => {
    const res = await client.state.query('statestore', {
      filter: { EQ: { kind: 'x' } },
      sort: [{ key: 'n', order: 'ASC' }],
      page: { limit: 10 },
    } as never);
    // The gRPC client hands `data` over as the bytes of the JSON value; the HTTP client parses it.
    const value = (d: unknown) => (d instanceof Uint8Array ? JSON.parse(Buffer.from(d).toString('utf8')) : d);
    expect(res.results.map((r) => [r.key, value(r.data)])).toEqual([
      ['c', { kind: 'x', n: 2 }],
      ['a', { kind: 'x', n: 3 }],
    ]);
    expect(res.token).toBe('2');
  });

  it('answers an empty result when nothing matches', async () => {
    const res = await client.state.query('statestore', { filter: { EQ: { kind: 'none' } } } as never);
    expect(res.results).toEqual([]);
  });
});
