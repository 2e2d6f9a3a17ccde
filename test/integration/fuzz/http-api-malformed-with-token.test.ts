import { it } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { componentYaml } from '../../helpers/resources.js';
import { localEnvStoreYaml } from '../../helpers/secrets.js';
import type { FuzzRequest, FuzzResponse } from './fuzz-kit.js';
import { fuzz, stillServesState } from './run.js';

const TOKEN = 'fuzz-api-token-71c3';
const AUTHORIZED = Symbol('authorized');

/** Health routes, as the router matches them (a trailing slash is ignored). */
const HEALTH = /^\/v1\.0\/healthz(\/outbound)?\/?(\?|$)/;

/** Without the right token only health may answer; the rest is 401, or refused before routing. */
function tokenCheck(req: FuzzRequest, res: FuzzResponse): string[] {
  if ((req as FuzzRequest & { [AUTHORIZED]?: boolean })[AUTHORIZED] || res.status === undefined) return [];
  if (HEALTH.test(req.path)) return [];
  const status = res.status;
  const body = res.body ?? '';
  if (status === 401)
    return body === 'invalid api token\n' || req.method === 'HEAD' ? [] : [`401 body ${body}`];
  // Refused by the HTTP layer (header overflow, bad bytes) or a malformed URL: before the token check, as in daprd.
  if (status === 400 && (body === '' || body.includes('"ERR_BAD_REQUEST"'))) return [];
  if (status === 431) return [];
  return [`answered ${status} without a valid token: ${body.slice(0, 200)}`];
}

it('malformed requests with a missing, wrong or right dapr-api-token: only health passes without it, nothing breaks', async () => {
  await using p = await DaprtsProcess.start({
    resources: {
      'statestore.yaml': inMemoryStateYaml(),
      'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }),
      'envsecrets.yaml': localEnvStoreYaml('envsecrets', 'FUZZ_TOKEN_IT_'),
    },
    env: { DAPR_API_TOKEN: TOKEN, FUZZ_TOKEN_IT_KEY: 'fuzz-token-env-value' },
  });

  const histogram = await fuzz(p, {
    seed: 0x70cafe,
    count: 1200,
    concurrency: 6,
    timeoutMs: 5_000,
    names: { stateStore: 'statestore', pubsub: 'pubsub', secretStores: ['envsecrets'], secretNames: ['KEY'] },
    decorate: (req, rng) => {
      const roll = rng.next();
      if (roll < 0.6) {
        req.headers['dapr-api-token'] = TOKEN;
        (req as FuzzRequest & { [AUTHORIZED]?: boolean })[AUTHORIZED] = true;
      } else if (roll < 0.8) {
        req.headers['dapr-api-token'] = rng.pick([
          '',
          'wrong',
          TOKEN.toUpperCase(),
          TOKEN.slice(0, -1),
          `${TOKEN}x`,
          'é'.repeat(30),
        ]);
      }
    },
    check: tokenCheck,
    secrets: [TOKEN],
  });
  console.log('fuzz statuses (token)', histogram);
  await stillServesState(p, { 'dapr-api-token': TOKEN });
});
