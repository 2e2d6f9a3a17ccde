import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../diagnostics/logger.js';
import { EnvSecretStore } from './index.js';

const make = async (
  env: NodeJS.ProcessEnv,
  metadata: Record<string, string> = {},
  platform?: NodeJS.Platform,
) => {
  const s = new EnvSecretStore({ name: 'env', metadata, logger: silentLogger(), env }, platform);
  await s.init();
  return s;
};

describe('secretstores.local.env', () => {
  it('checks reserved names on the prefixed name, case-insensitively', async () => {
    const s = await make({ Dapr_Api_Token: 't', app_api_token: 'a', DAPRX: 'fine' });
    expect(await s.getSecret('Dapr_Api_Token')).toEqual({ Dapr_Api_Token: '' });
    expect(await s.getSecret('app_api_token')).toEqual({ app_api_token: '' });
    expect(await s.bulkGetSecret()).toEqual({ DAPRX: { DAPRX: 'fine' } });
  });

  it('on Windows, matches names and the prefix case-insensitively', async () => {
    const s = await make({ APP_Key: 'v', Path: 'p' }, { prefix: 'app_' }, 'win32');
    expect(await s.getSecret('key')).toEqual({ key: 'v' });
    expect(await s.bulkGetSecret()).toEqual({ Key: { Key: 'v' } });
    const linux = await make({ APP_Key: 'v' }, { prefix: 'app_' }, 'linux');
    expect(await linux.getSecret('Key')).toEqual({ Key: '' });
    expect(await linux.bulkGetSecret()).toEqual({});
  });

  it('keeps a variable named __proto__ as an ordinary secret', async () => {
    const env: NodeJS.ProcessEnv = {};
    Object.defineProperty(env, '__proto__', { value: 'x', enumerable: true });
    const bulk = await (await make(env)).bulkGetSecret();
    expect(Object.keys(bulk)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(bulk)).toBe(Object.prototype);
  });
});
