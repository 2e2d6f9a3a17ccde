import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKafkaMock } from '../../src/components/pubsub/kafka/testing.js';
import { CLI, freePort } from '../../test/helpers/daprts-process.js';

const here = import.meta.dirname;

/** Runs the unchanged example app under `daprts run` with one resources folder; resolves its exit code and output. */
async function runApp(
  componentsDir: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const appPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      CLI,
      'run',
      '--app-id',
      'todo',
      '--app-port',
      String(appPort),
      '--dapr-http-port',
      '0',
      '-d',
      componentsDir,
      '--log-level',
      'warn',
      '--',
      process.execPath,
      resolve(here, 'app.mjs'),
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return { code, output };
}

/** The seeds' "infrastructure swap": the same app on Kafka, then on Redis Streams, by swapping the YAML folder. */
describe('infrastructure swap: Kafka → Redis Streams with no code change', () => {
  it('delivers every message on both brokers', async () => {
    const kafka = await startKafkaMock();
    let total = 0;
    try {
      const onKafka = await runApp(resolve(here, 'components/kafka'), {
        KAFKA_BROKERS: kafka.bootstrap,
        PUBLISH_COUNT: '50',
        RUN_ID: `kafka-${Date.now()}`,
        SETTLE_MS: '4000',
      });
      expect(onKafka.output).toMatch(/published 50, received 50/);
      expect(onKafka.code).toBe(0);
      total += 50;
    } finally {
      await kafka.stop();
    }
    const onRedis = await runApp(resolve(here, 'components/redis'), {
      REDIS_HOST: '127.0.0.1:6379',
      PUBLISH_COUNT: '50',
      RUN_ID: `redis-${Date.now()}`,
    });
    expect(onRedis.output).toMatch(/published 50, received 50/);
    expect(onRedis.code).toBe(0);
    total += 50;
    expect(total).toBe(100);
  }, 120_000);
});
