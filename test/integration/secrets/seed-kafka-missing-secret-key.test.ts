import { expect, it } from 'vitest';
import { startExpectingExit } from '../../helpers/resources.js';
import { localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';
import { SEED_KAFKA_PUBSUB } from './seed-components.js';

it('seed 003 Kafka with a Secret lacking "password": start-up fails naming the component, field, store and key', async () => {
  using files = secretFiles({ 'kafka-secrets': { username: 'kafka-user-c0ffee-never-logged' } });
  const { code, output, elapsedMs } = await startExpectingExit({
    appId: 'backend',
    resources: {
      'kafka-pubsub.yaml': SEED_KAFKA_PUBSUB,
      'kubernetes.yaml': localFileStoreYaml('kubernetes', files.secretsFile, { multiValued: true }),
    },
    args: ['--log-level', 'debug'],
  });
  expect(code).toBe(1);
  expect(output).toContain('kafka-pubsub.yaml');
  expect(output).toContain('Component "kafka-pubsub"');
  expect(output).toContain('metadata.saslPassword');
  expect(output).toContain('secret store "kubernetes"');
  expect(output).toContain('kafka-secrets/password');
  // Never a silent empty value, never a connection attempt.
  expect(output).not.toContain('seed-abc123.cloud.redpanda.com');
  expect(elapsedMs).toBeLessThan(10_000);
  expect(output).not.toContain('kafka-user-c0ffee-never-logged');
});
