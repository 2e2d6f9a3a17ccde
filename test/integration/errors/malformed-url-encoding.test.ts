import { request } from 'node:http';
import { expect, it } from 'vitest';
import { expectStatus, startWithStateStore } from '../../helpers/dapr-http.js';
import type { DaprtsProcess } from '../../helpers/daprts-process.js';

/** A raw request, so the bad escape reaches the server exactly as typed. */
function rawGet(p: DaprtsProcess, path: string): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: p.httpPort, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('a malformed percent-encoding in the URL is 400 with a JSON error, not a crash', async () => {
  await using p = await startWithStateStore();
  for (const path of [
    '/v1.0/state/statestore/%zz',
    '/v1.0/state/statestore/abc%',
    '/v1.0/state/stat%E0%A4%A/k',
  ]) {
    const res = await rawGet(p, path);
    expect(res.status, path).toBe(400);
    expect(res.type).toBe('application/json');
    const body = JSON.parse(res.body) as { errorCode: string; message: string };
    expect(body.errorCode).toBe('ERR_BAD_REQUEST');
    expect(body.message).toEqual(expect.any(String));
  }
  await expectStatus(await p.fetch('/v1.0/healthz'), 204);
});
