import { componentYaml } from '../../helpers/resources.js';
import type { DaprtsProcess } from '../../helpers/daprts-process.js';
import { bulkPublishTo, publishTo } from '../../helpers/pubsub-sidecar.js';

/** A `pubsub.in-memory` named `pubsub` with topic-scoping metadata (dapr-api.md §3.9). */
export function scopedPubsubYaml(metadata: Record<string, string>, name = 'pubsub'): string {
  return componentYaml({
    name,
    type: 'pubsub.in-memory',
    metadata: Object.entries(metadata).map(([k, v]) => ({ name: k, value: v })),
  });
}

/** `curl -X POST .../v1.0/publish/{pubsub}/{topic} -H 'Content-Type: application/json' -d '{"n":1}'`. */
export function publish(p: DaprtsProcess, topic: string, pubsub = 'pubsub'): Promise<Response> {
  return publishTo(p, topic, { pubsub });
}

/** `POST /v1.0-alpha1/publish/bulk/{pubsub}/{topic}` with two JSON entries. */
export function bulkPublish(p: DaprtsProcess, topic: string, prefix = '/v1.0-alpha1'): Promise<Response> {
  const entries = [
    { entryId: '1', event: { n: 1 }, contentType: 'application/json' },
    { entryId: '2', event: { n: 2 }, contentType: 'application/json' },
  ];
  return bulkPublishTo(p, topic, entries, { prefix });
}
