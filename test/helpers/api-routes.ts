import { expect } from 'vitest';
import { expectStatus } from './dapr-http.js';

/** Every API route daprts serves (except health), as a curl user calls it. */
export const API_ROUTES: { method: string; path: string; body?: string }[] = [
  { method: 'GET', path: '/v1.0/state/statestore/k' },
  { method: 'POST', path: '/v1.0/state/statestore', body: '[{"key":"k","value":1}]' },
  { method: 'PUT', path: '/v1.0/state/statestore', body: '[{"key":"k","value":1}]' },
  { method: 'DELETE', path: '/v1.0/state/statestore/k' },
  { method: 'POST', path: '/v1.0/state/statestore/bulk', body: '{"keys":["k"]}' },
  { method: 'POST', path: '/v1.0/state/statestore/transaction', body: '{"operations":[]}' },
  { method: 'GET', path: '/v1.0/metadata' },
  { method: 'PUT', path: '/v1.0/metadata/attr', body: 'value' },
  { method: 'POST', path: '/v1.0/publish/pubsub/orders', body: '{"id":1}' },
  { method: 'PUT', path: '/v1.0/publish/pubsub/orders', body: '{"id":1}' },
  { method: 'POST', path: '/v1.0/publish/pubsub/a/b/c', body: '{"id":1}' },
  {
    method: 'POST',
    path: '/v1.0-alpha1/publish/bulk/pubsub/orders',
    body: '[{"entryId":"1","event":{"id":1},"contentType":"application/json"}]',
  },
  {
    method: 'POST',
    path: '/v1.0/publish/bulk/pubsub/orders',
    body: '[{"entryId":"1","event":{"id":1},"contentType":"application/json"}]',
  },
  { method: 'GET', path: '/v1.0/secrets/secretstore/mysecret' },
  { method: 'GET', path: '/v1.0/secrets/secretstore/bulk' },
  { method: 'POST', path: '/v1.0-alpha1/jobs/job1', body: '{"schedule":"@every 1h","data":"x"}' },
  { method: 'GET', path: '/v1.0-alpha1/jobs/job1' },
  { method: 'DELETE', path: '/v1.0-alpha1/jobs/job1' },
  { method: 'POST', path: '/v1.0/jobs/job1', body: '{"schedule":"@every 1h","data":"x"}' },
  { method: 'GET', path: '/v1.0/jobs/job1' },
  { method: 'DELETE', path: '/v1.0/jobs/job1' },
  { method: 'POST', path: '/v1.0/shutdown' },
  { method: 'GET', path: '/v1.0/no-such-route' },
];

/** daprd's token rejection: Go's http.Error, a plain-text 401. */
export async function expectInvalidToken(res: Response, what: string): Promise<void> {
  expect(await expectStatus(res, 401), what).toBe('invalid api token\n');
  expect(res.headers.get('content-type'), what).toBe('text/plain; charset=utf-8');
}
