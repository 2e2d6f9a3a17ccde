import { it } from 'vitest';
import { expectNoContent, startWithStateStore } from '../../helpers/dapr-http.js';

it('both health routes answer 204 without a token (and with a wrong one) when DAPR_API_TOKEN is set', async () => {
  await using p = await startWithStateStore({ env: { DAPR_API_TOKEN: 'secret' } });
  await expectNoContent(await p.fetch('/v1.0/healthz'));
  await expectNoContent(await p.fetch('/v1.0/healthz/outbound'));
  await expectNoContent(await p.fetch('/v1.0/healthz', { headers: { 'dapr-api-token': 'wrong' } }));
  await expectNoContent(await p.fetch('/v1.0/healthz/outbound', { headers: { 'dapr-api-token': 'wrong' } }));
});
