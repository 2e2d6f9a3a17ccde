import { describe, expect, it } from 'vitest';
import { ComponentMetadataError } from '../metadata.js';
import { parseRedisSettings } from './settings.js';

describe('parseRedisSettings', () => {
  it('applies daprd defaults for a state store', () => {
    const s = parseRedisSettings('store', { redisHost: 'localhost:6380' }, 'state');
    expect(s).toMatchObject({
      host: 'localhost',
      port: 6380,
      db: 0,
      dialTimeoutMs: 5000,
      commandTimeoutMs: 3000,
      maxRetries: 3,
      minRetryIntervalMs: 2000,
      maxRetryIntervalMs: 512,
    });
    expect(s.tls).toBeUndefined();
    expect(s.password).toBeUndefined();
  });

  it('completes a bare host with redisPort or 6379, and handles IPv6', () => {
    expect(parseRedisSettings('s', { redisHost: 'redis' }, 'state')).toMatchObject({
      host: 'redis',
      port: 6379,
    });
    expect(parseRedisSettings('s', { redisHost: 'redis', redisPort: '7000' }, 'state')).toMatchObject({
      port: 7000,
    });
    expect(parseRedisSettings('s', { redisHost: '[::1]:7001' }, 'state')).toMatchObject({
      host: '::1',
      port: 7001,
    });
  });

  it('rejects a port in redisHost that disagrees with redisPort', () => {
    expect(() => parseRedisSettings('s', { redisHost: 'redis:6379', redisPort: '7000' }, 'state')).toThrow(
      /redisPort/,
    );
  });

  it('reads keys case-insensitively, durations with units or as bare milliseconds', () => {
    const s = parseRedisSettings(
      's',
      {
        RedisHost: 'h:1',
        redisdb: '2',
        dialTimeout: '2s',
        readTimeout: '250',
        redisPassword: 'pw',
        redisUsername: 'u',
      },
      'state',
    );
    expect(s).toMatchObject({
      host: 'h',
      port: 1,
      db: 2,
      dialTimeoutMs: 2000,
      commandTimeoutMs: 250,
      password: 'pw',
      username: 'u',
    });
  });

  it('disables the command deadline with readTimeout -1', () => {
    expect(
      parseRedisSettings('s', { redisHost: 'h', readTimeout: '-1' }, 'state').commandTimeoutMs,
    ).toBeUndefined();
  });

  it('reads the legacy maxRetries and maxRetryBackoff (nanoseconds) keys of state stores', () => {
    const s = parseRedisSettings(
      's',
      { redisHost: 'h', maxRetries: '7', maxRetryBackoff: '100000000' },
      'state',
    );
    expect(s).toMatchObject({ maxRetries: 7, minRetryIntervalMs: 100 });
    expect(parseRedisSettings('s', { redisHost: 'h' }, 'pubsub').minRetryIntervalMs).toBe(8);
  });

  it('builds TLS options from enableTLS', () => {
    const s = parseRedisSettings(
      's',
      { redisHost: 'h', enableTLS: 'true', insecureSkipTLSVerify: 'true' },
      'state',
    );
    expect(s.tls).toEqual({ rejectUnauthorized: false, cert: undefined, key: undefined });
  });

  it('treats empty values as absent', () => {
    expect(parseRedisSettings('s', { redisHost: 'h', redisDB: '', dialTimeout: '' }, 'state')).toMatchObject({
      db: 0,
      dialTimeoutMs: 5000,
    });
  });

  it.each([
    [{}, 'redisHost'],
    [{ redisHost: 'a:1,b:2' }, 'redisHost'],
    [{ redisHost: 'h', redisType: 'cluster' }, 'redisType'],
    [{ redisHost: 'h', redisType: 'weird' }, 'redisType'],
    [{ redisHost: 'h', failover: 'true' }, 'failover'],
    [{ redisHost: 'h', useAzureAD: 'true' }, 'useEntraID'],
    [{ redisHost: 'h', redisDB: 'x' }, 'redisDB'],
    [{ redisHost: 'h', dialTimeout: 'soon' }, 'dialTimeout'],
  ])('rejects %j naming the field', (raw, field) => {
    try {
      parseRedisSettings('s', raw as Record<string, string>, 'state');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ComponentMetadataError);
      expect((err as ComponentMetadataError).field).toBe(field);
    }
  });
});
