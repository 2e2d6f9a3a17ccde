/**
 * Component files of the seeds, byte for byte (shared/seeds/003_5237a1677770125b.txt, "Component 1:
 * Kafka Pub/Sub" and "Component 2: PostgreSQL State Store"), and the state store that
 * shared/seeds/000_67e1dff7a3848cbc.txt describes (its manifest is summarised there, not quoted:
 * written here from that summary). They are written for Kubernetes: no `auth.secretStore`, so
 * their `secretKeyRef`s go to the `kubernetes` secret store.
 */

/** Seed 003, Component 1 (`infra/dapr-components/kafka-pubsub.yaml`). */
export const SEED_KAFKA_PUBSUB = `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: kafka-pubsub
  namespace: default
spec:
  type: pubsub.kafka
  version: v1
  metadata:
  # Kafka broker addresses (Redpanda Cloud)
  - name: brokers
    value: "seed-abc123.cloud.redpanda.com:9092"

  # Authentication type
  - name: authType
    value: "password"

  # SASL username (from Kubernetes Secret)
  - name: saslUsername
    secretKeyRef:
      name: kafka-secrets
      key: username

  # SASL password (from Kubernetes Secret)
  - name: saslPassword
    secretKeyRef:
      name: kafka-secrets
      key: password

  # SASL mechanism (required by Redpanda)
  - name: saslMechanism
    value: "SCRAM-SHA-256"

  # Consumer group ID
  - name: consumerGroup
    value: "todo-app-group"

  # Client ID for producer
  - name: clientId
    value: "todo-app-producer"

  # Initial offset for new consumers
  - name: initialOffset
    value: "newest"

  # Max message bytes
  - name: maxMessageBytes
    value: "1048576"  # 1MB

  # Enable idempotent producer
  - name: enableIdempotence
    value: "true"

  # Compression type
  - name: compressionType
    value: "snappy"

scopes:
- backend
- chat-api
`;

/** Seed 003, Component 2 (`infra/dapr-components/state-postgresql.yaml`). */
export const SEED_STATE_POSTGRESQL = `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: statestore
  namespace: default
spec:
  type: state.postgresql
  version: v1
  metadata:
  # PostgreSQL connection string (from Kubernetes Secret)
  - name: connectionString
    secretKeyRef:
      name: app-secrets
      key: database-url

  # Table name for state storage
  - name: tableName
    value: "dapr_state"

  # Key prefix for namespacing
  - name: keyPrefix
    value: "todo-app"

  # Timeout for database operations (seconds)
  - name: timeout
    value: "20"

  # Enable transactions
  - name: actorStateStore
    value: "true"

scopes:
- backend
- chat-api
`;

/**
 * Seed 000 (`k8s/10-dapr-statestore.yaml`): `statestore` in namespace `feaf-dashboard`,
 * `state.postgresql` v1, connection string from the `feaf-secrets` Secret's `database-url`,
 * tables `dapr_state` / `dapr_state_metadata`, 30 s timeout, hourly cleanup.
 */
export const SEED_FEAF_STATESTORE = `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: statestore
  namespace: feaf-dashboard
spec:
  type: state.postgresql
  version: v1
  metadata:
  - name: connectionString
    secretKeyRef:
      name: feaf-secrets
      key: database-url
  - name: tableName
    value: "dapr_state"
  - name: metadataTableName
    value: "dapr_state_metadata"
  - name: timeoutInSeconds
    value: "30"
  - name: cleanupIntervalInSeconds
    value: "3600"
`;
