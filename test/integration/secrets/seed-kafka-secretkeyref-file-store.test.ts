import { expect, it } from 'vitest';
import { kafkaAvailable } from '../../../src/components/pubsub/kafka/testing.js';
import { startExpectingExit } from '../../helpers/resources.js';
import { localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';
import { SEED_KAFKA_PUBSUB } from './seed-components.js';

const USERNAME = 'kafka-user-4d2e-never-logged';
const PASSWORD = 'kafka-pw-8a1b-never-logged';

it.skipIf(!(await kafkaAvailable()))(
  'seed 003 Kafka loads unchanged: the SASL credentials resolve, then the component fails clearly on its unreachable brokers',
  async () => {
    using files = secretFiles({ 'kafka-secrets': { username: USERNAME, password: PASSWORD } });
    const { code, output } = await startExpectingExit(
      {
        appId: 'backend',
        resources: {
          'kafka-pubsub.yaml': SEED_KAFKA_PUBSUB,
          'kubernetes.yaml': localFileStoreYaml('kubernetes', files.secretsFile, { multiValued: true }),
        },
        args: ['--log-level', 'debug'],
      },
      // librdkafka's native teardown waits for its in-flight connect (up to its 30 s request
      // timeout) before the process can exit, although start-up failed at the 5 s initTimeout.
      45_000,
    );
    // The references resolved (no secretKeyRef error, and no "saslPassword is required": both values
    // reached the component's metadata); what stops start-up is the broker the seed names, which no
    // network here reaches. daprd ends start-up on a failed component init with exit 1.
    expect(code).toBe(1);
    expect(output).toContain('Component "kafka-pubsub"');
    expect(output).toContain('seed-abc123.cloud.redpanda.com:9092');
    expect(output).not.toContain('secretKeyRef');
    expect(output).not.toMatch(/sasl(Username|Password)[^\n]*required/);
    // SASL over TLS, as authType "password" asks.
    expect(output).toContain('sasl_ssl://');
    expect(output).not.toContain(USERNAME);
    expect(output).not.toContain(PASSWORD);
  },
  60_000,
);
