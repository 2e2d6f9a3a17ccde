import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent, postJson, saveState } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

const PG = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = `it_query_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const c = new pg.Client({ connectionString: PG });
  await c.connect();
  await c.query(`DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${table}_meta`);
  await c.end();
});

// The request and data of Dapr's "How-To: Query state", sent as curl sends them.
const QUERY = {
  filter: {
    OR: [
      { EQ: { 'person.org': 'Dev Ops' } },
      { AND: [{ EQ: { 'person.org': 'Finance' } }, { IN: { state: ['CA', 'WA'] } }] },
    ],
  },
  sort: [
    { key: 'state', order: 'DESC' },
    { key: 'person.id', order: 'ASC' },
  ],
  page: { limit: 3 },
};
const PEOPLE = [
  { key: '1', value: { person: { org: 'Dev Ops', id: 1036 }, city: 'Seattle', state: 'WA' } },
  { key: '2', value: { person: { org: 'Hardware', id: 1028 }, city: 'Portland', state: 'OR' } },
  { key: '3', value: { person: { org: 'Finance', id: 1071 }, city: 'Sacramento', state: 'CA' } },
  { key: '4', value: { person: { org: 'Dev Ops', id: 1042 }, city: 'Spokane', state: 'WA' } },
  { key: '5', value: { person: { org: 'Finance', id: 1007 }, city: 'Los Angeles', state: 'CA' } },
];

it('the state Query API on state.postgresql v1: 200 {results, token} as daprd, 204 when nothing matches, ERR_STATE_QUERY for a bad query', async () => {
  await using p = await DaprtsProcess.start({
    appId: 'queryapp',
    resources: {
      'pg.yaml': componentYaml({
        name: 'statestore',
        type: 'state.postgresql',
        metadata: [
          { name: 'connectionString', value: PG },
          { name: 'tableName', value: table },
          { name: 'metadataTableName', value: `${table}_meta` },
        ],
      }),
    },
  });
  await expectNoContent(await saveState(p, PEOPLE));

  const first = await postJson(p, '/v1.0-alpha1/state/statestore/query', QUERY);
  expect(first.status).toBe(200);
  expect(first.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await first.json()) as {
    results: { key: string; data: unknown; etag: string }[];
    token: string;
  };
  expect(Object.keys(body).sort()).toEqual(['results', 'token']);
  expect(body.results.map((r) => r.key)).toEqual(['1', '4', '5']);
  expect(body.results[0]).toEqual({ key: '1', data: PEOPLE[0].value, etag: expect.stringMatching(/^\d+$/) });
  expect(body.token).toBe('3');

  const next = await postJson(
    p,
    '/v1.0-alpha1/state/statestore/query',
    { ...QUERY, page: { limit: 3, token: body.token } },
    'PUT',
  );
  expect(next.status).toBe(200);
  const nextBody = (await next.json()) as { results: { key: string }[] };
  expect(nextBody.results.map((r) => r.key)).toEqual(['3']);

  await expectNoContent(
    await postJson(p, '/v1.0-alpha1/state/statestore/query', { filter: { EQ: { state: 'NY' } } }),
  );
  const bad = await expectDaprError(
    await fetch(`${p.url}/v1.0-alpha1/state/statestore/query`, { method: 'POST', body: '{"filter":' }),
    500,
    'ERR_STATE_QUERY',
  );
  // daprd's QueryFailed (pkg/api/errors/state.go): "state store <name> query failed: <detail>".
  expect(bad.message).toMatch(/^state store statestore query failed: failed to parse JSON query body/);
  expect(bad.details).toEqual([
    {
      '@type': 'type.googleapis.com/google.rpc.ResourceInfo',
      description: '',
      owner: '',
      resource_name: 'statestore',
      resource_type: 'state',
    },
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      domain: 'dapr.io',
      metadata: null,
      reason: 'DAPR_STATE_QUERY_FAILED',
    },
  ]);
  await expectDaprError(
    await postJson(p, '/v1.0-alpha1/state/statestore/query', { filter: { GT: { state: 'CA' } } }),
    500,
    'ERR_STATE_QUERY',
  );
  await expectDaprError(
    await postJson(p, '/v1.0-alpha1/state/statestore/query', { filter: { LIKE: { state: 'CA' } } }),
    500,
    'ERR_STATE_QUERY',
  );
  // The metadata API advertises the capability.
  const md = (await (await fetch(`${p.url}/v1.0/metadata`)).json()) as {
    components: { name: string; capabilities: string[] }[];
  };
  expect(md.components.find((c) => c.name === 'statestore')?.capabilities).toContain('QUERY_API');
});
