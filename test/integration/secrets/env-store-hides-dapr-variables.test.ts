import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectJson, getBulkSecret, getSecret, localEnvStoreYaml } from '../../helpers/secrets.js';

const API_TOKEN = 'dapr-token-5c1d-never-exposed';
const APP_TOKEN = 'app-token-9e2f-never-exposed';

it('local.env never exposes DAPR_* or APP_API_TOKEN: empty on get, left out of bulk', async () => {
  await using p = await DaprtsProcess.start({
    resources: { 'env.yaml': localEnvStoreYaml('envsecrets') },
    env: { DAPR_API_TOKEN: API_TOKEN, APP_API_TOKEN: APP_TOKEN, VISIBLE_SECRET_IT: 'visible' },
  });
  const auth = { headers: { 'dapr-api-token': API_TOKEN } };

  const token = await p.fetch('/v1.0/secrets/envsecrets/DAPR_API_TOKEN', auth);
  expect(await expectJson(token)).toEqual({ DAPR_API_TOKEN: '' });
  const app = await p.fetch('/v1.0/secrets/envsecrets/APP_API_TOKEN', auth);
  expect(await expectJson(app)).toEqual({ APP_API_TOKEN: '' });

  const bulkRes = await p.fetch('/v1.0/secrets/envsecrets/bulk', auth);
  const bulk = await expectJson<Record<string, Record<string, string>>>(bulkRes);
  expect(bulk.VISIBLE_SECRET_IT).toEqual({ VISIBLE_SECRET_IT: 'visible' });
  expect(
    Object.keys(bulk).filter((k) => k.toUpperCase().startsWith('DAPR_') || k === 'APP_API_TOKEN'),
  ).toEqual([]);
  expect(JSON.stringify(bulk)).not.toContain(API_TOKEN);
  expect(JSON.stringify(bulk)).not.toContain(APP_TOKEN);
  // (getSecret/getBulkSecret without the token are refused: the token applies to secrets too.)
  expect((await getSecret(p, 'envsecrets', 'VISIBLE_SECRET_IT')).status).toBe(401);
  expect((await getBulkSecret(p, 'envsecrets')).status).toBe(401);
});
