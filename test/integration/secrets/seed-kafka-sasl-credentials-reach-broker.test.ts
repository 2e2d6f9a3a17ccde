import { expect, it } from 'vitest';
import { kafkaAvailable } from '../../../src/components/pubsub/kafka/testing.js';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectValue } from '../../helpers/dapr-http.js';
import { FakeScramKafka } from '../../helpers/fake-kafka-scram.js';
import { localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';
import { SEED_KAFKA_PUBSUB } from './seed-components.js';

const USERNAME = 'todo-app-sasl-user-61f0';
const PASSWORD = 'todo-app-sasl-pw-a93c-never-logged';

it.skipIf(!(await kafkaAvailable()))(
  'seed 003 Kafka: the SASL username and password from the secret reach the broker (SCRAM-SHA-256 proof checked)',
  async () => {
    // The seed's file with only its (unreachable, TLS) Redpanda address swapped for a local
    // plaintext broker: every other line, the secretKeyRefs included, is the seed's.
    await using broker = await FakeScramKafka.start(USERNAME, PASSWORD);
    const yaml = SEED_KAFKA_PUBSUB.replace('seed-abc123.cloud.redpanda.com:9092', broker.bootstrap).replace(
      '  - name: authType\n    value: "password"\n',
      '  - name: authType\n    value: "password"\n  - name: disableTls\n    value: "true"\n',
    );
    expect(yaml).toContain(broker.bootstrap);
    expect(yaml).toContain('disableTls');
    using files = secretFiles({ 'kafka-secrets': { username: USERNAME, password: PASSWORD } });
    await using p = await DaprtsProcess.start({
      appId: 'backend',
      resources: {
        'kafka-pubsub.yaml': yaml,
        'kubernetes.yaml': localFileStoreYaml('kubernetes', files.secretsFile, { multiValued: true }),
      },
      args: ['--log-level', 'debug'],
    });

    expect(broker.logins.length).toBeGreaterThan(0);
    expect(broker.logins[0]).toEqual({ mechanism: 'SCRAM-SHA-256', username: USERNAME, proofValid: true });
    const md = await expectValue(await p.fetch('/v1.0/metadata'));
    expect(JSON.parse(md).components).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'kafka-pubsub', type: 'pubsub.kafka' })]),
    );
    await p.stop();
    for (const text of [md, p.output]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(USERNAME);
    }
  },
);
