import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { createLogger } from '../../../diagnostics/logger.js';
import { closeRedis, connectRedis, reconnectDelayMs } from './client.js';
import { parseRedisSettings } from './settings.js';
import { PrivateRedisServer, freePort } from './testing.js';

const logger = createLogger({ appId: 'test', level: 'silent' });

/** A JSON logger whose lines the test reads. */
function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const messages = () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
  return { logger: createLogger({ appId: 'test', level: 'info', json: true, destination }), messages };
}

describe('connectRedis', () => {
  let server: PrivateRedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await PrivateRedisServer.start();
    const settings = parseRedisSettings('c', { redisHost: `127.0.0.1:${server.port}` }, 'state');
    client = await connectRedis({ settings, logger, name: 'client test' });
  });

  afterAll(async () => {
    await closeRedis(client);
    await server.stop();
  });

  it('names the connection after the component', async () => {
    expect(await client.client('GETNAME')).toBe('daprts-client_test');
  });

  it('fails fast while the server is down and reconnects by itself when it returns', async () => {
    await client.set('k', 'before');
    await server.stop();
    await vi.waitFor(() => expect(client.status).not.toBe('ready'), { timeout: 2000 });

    const started = Date.now();
    await expect(client.get('k')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);

    await server.start();
    await vi.waitFor(async () => expect(await client.ping()).toBe('PONG'), { timeout: 5000, interval: 50 });
    await client.set('k', 'after');
    expect(await client.get('k')).toBe('after');
  });

  it('rejects in-flight commands when the connection drops, without resending them later', async () => {
    const pending = client.blpop('never-pushed', 5).then(
      () => 'resolved',
      (err: Error) => err,
    );
    await new Promise((r) => setTimeout(r, 50));
    await server.stop();
    expect(await pending).toBeInstanceOf(Error);
    await server.start();
    await vi.waitFor(async () => expect(await client.ping()).toBe('PONG'), { timeout: 5000, interval: 50 });
  });
});

describe('connectRedis logging', () => {
  it('logs an outage once when it starts and once when it ends, and nothing on close', async () => {
    const server = await PrivateRedisServer.start();
    const { logger: captured, messages } = capturingLogger();
    const settings = parseRedisSettings('c', { redisHost: `127.0.0.1:${server.port}` }, 'state');
    const c = await connectRedis({ settings, logger: captured, name: 'c' });
    try {
      await server.stop();
      await new Promise((r) => setTimeout(r, 300));
      await server.start();
      await vi.waitFor(async () => expect(await c.ping()).toBe('PONG'), { timeout: 5000, interval: 50 });
    } finally {
      await closeRedis(c);
      await server.stop();
    }
    expect(messages()).toEqual([
      'redis connection lost; reconnecting in the background',
      'redis connection restored',
    ]);
  });
});

describe('connectRedis start-up failure', () => {
  it('rejects when nothing listens, and stops reconnecting', async () => {
    const port = await freePort();
    const settings = parseRedisSettings('c', { redisHost: `127.0.0.1:${port}`, dialTimeout: '1s' }, 'state');
    await expect(connectRedis({ settings, logger, name: 'c' })).rejects.toThrow(
      `error connecting to redis at 127.0.0.1:${port}`,
    );
  });
});

describe('reconnectDelayMs', () => {
  it('starts quickly and is capped at 2 s', () => {
    expect(reconnectDelayMs(1)).toBe(50);
    expect(reconnectDelayMs(2)).toBe(100);
    expect(reconnectDelayMs(50)).toBe(2000);
  });
});
