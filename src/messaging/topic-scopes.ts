import { getMetadataValue } from '../components/common/metadata.js';

/** Topic access rules of one pub/sub component for one app (component metadata, dapr-api.md §3.9). */
export interface TopicScopes {
  canPublish(topic: string): boolean;
  canSubscribe(topic: string): boolean;
}

function list(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .replace(/\s/g, '')
    .split(',')
    .filter((t) => t !== '');
}

/**
 * The topics `publishingScopes`/`subscriptionScopes` give this app (`app1=t1,t2;app2=`).
 * An app listed with nothing after `=` gets `['']`: scoped, with no topic allowed.
 */
function scopedTopics(text: string | undefined, appId: string): string[] {
  const out = new Set<string>();
  for (const entry of (text ?? '').replace(/\s/g, '').split(';')) {
    const [app, topics] = entry.split('=');
    if (app !== appId || topics === undefined) continue;
    for (const t of topics.split(',')) out.add(t);
  }
  return [...out];
}

/** Parsed scopes per component metadata object and app id: every publish asks, the metadata never changes. */
const parsed = new WeakMap<Record<string, string>, Map<string, TopicScopes>>();

export function topicScopes(metadata: Record<string, string>, appId: string): TopicScopes {
  let byApp = parsed.get(metadata);
  if (!byApp) parsed.set(metadata, (byApp = new Map()));
  let scopes = byApp.get(appId);
  if (!scopes) byApp.set(appId, (scopes = parseTopicScopes(metadata, appId)));
  return scopes;
}

function parseTopicScopes(metadata: Record<string, string>, appId: string): TopicScopes {
  const allowed = list(getMetadataValue(metadata, 'allowedTopics'));
  const protectedTopics = list(getMetadataValue(metadata, 'protectedTopics'));
  const publish = scopedTopics(getMetadataValue(metadata, 'publishingScopes'), appId);
  const subscribe = scopedTopics(getMetadataValue(metadata, 'subscriptionScopes'), appId);
  const allowedBy = (scoped: string[]) => (topic: string) => {
    if (allowed.length > 0 && !allowed.includes(topic)) return false;
    if (!protectedTopics.includes(topic) && scoped.length === 0) return true;
    return scoped.includes(topic);
  };
  return { canPublish: allowedBy(publish), canSubscribe: allowedBy(subscribe) };
}
