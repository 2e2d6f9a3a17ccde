/** A routing rule: the first rule whose `match` is true picks the path; an empty match always matches. */
export interface RouteRule {
  match: string;
  path: string;
  /** Compiled `match`; undefined for the always-matching rule. */
  test?: (event: Record<string, unknown>) => boolean;
}

export interface BulkSubscribeSpec {
  enabled: boolean;
  maxMessagesCount: number;
  maxAwaitDurationMs: number;
}

export type SubscriptionType = 'DECLARATIVE' | 'PROGRAMMATIC' | 'STREAMING';

/** One subscription as the runtime runs it, whatever declared it. */
export interface SubscriptionSpec {
  /** Where it came from, for errors ("Subscription "x" in file.yaml", "GET /dapr/subscribe"). */
  source: string;
  type: SubscriptionType;
  pubsubName: string;
  topic: string;
  rules: RouteRule[];
  deadLetterTopic?: string;
  metadata: Record<string, string>;
  bulkSubscribe?: BulkSubscribeSpec;
}
