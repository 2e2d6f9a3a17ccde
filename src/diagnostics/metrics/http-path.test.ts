import { describe, expect, it } from 'vitest';
import { httpPathLabeler } from './http-path.js';

describe("the path label of daprd's HTTP server metrics", () => {
  it('default (increasedCardinality): state and secrets keys cut, other paths kept', () => {
    const label = httpPathLabeler({});
    expect(label('/v1.0/state/statestore/customer-4711')).toBe('/v1.0/state/statestore');
    expect(label('/v1.0/state/statestore')).toBe('/v1.0/state/statestore');
    expect(label('/v1.0/state/statestore/bulk')).toBe('/v1.0/state/statestore');
    expect(label('/v1.0/secrets/vault/db-password')).toBe('/v1.0/secrets/vault');
    expect(label('/v1.0/publish/pubsub/orders')).toBe('/v1.0/publish/pubsub/orders');
    expect(label('/v1.0/healthz')).toBe('/v1.0/healthz');
    expect(label('/v1.0//metadata')).toBe('/v1.0/metadata');
    expect(label('/v1.0/publish/pubsub/a%20b')).toBe('/v1.0/publish/pubsub/a b');
  });

  it('increasedCardinality false: no path', () => {
    const label = httpPathLabeler({ increasedCardinality: false });
    expect(label('/v1.0/state/statestore/k')).toBe('');
    expect(label('/v1.0/publish/pubsub/orders')).toBe('');
  });

  it('pathMatching: the most specific matching pattern; unmatched paths follow the cardinality rule', () => {
    const patterns = [
      '/v1.0/publish/pubsub/{topic}',
      '/v1.0/publish/pubsub/orders',
      '/v1.0/invoke/{rest...}',
    ];
    const low = httpPathLabeler({ increasedCardinality: false, pathMatching: patterns });
    expect(low('/v1.0/publish/pubsub/orders')).toBe('/v1.0/publish/pubsub/orders');
    expect(low('/v1.0/publish/pubsub/refunds')).toBe('/v1.0/publish/pubsub/{topic}');
    expect(low('/v1.0/invoke/app/method/x')).toBe('/v1.0/invoke/{rest...}');
    expect(low('/v1.0/state/s/k')).toBe('');
    const high = httpPathLabeler({ pathMatching: patterns });
    expect(high('/v1.0/state/s/k')).toBe('/v1.0/state/s');
  });

  it('the fast path for state and secrets calls gives what the general derivation gives', () => {
    const fast = httpPathLabeler({});
    // A pattern that never matches sends every path down the general derivation.
    const general = httpPathLabeler({ pathMatching: ['/never/{matches}'] });
    const paths = [
      '/v1.0/state/statestore/k1',
      '/v1.0/state/statestore',
      '/v1.0/state/statestore/',
      '/v1.0/state/',
      '/v1.0/state',
      '/v1.0/state/s/a/b/c',
      '/v1.0/state/s%2Fx/k',
      '/v1.0//state/s/k',
      '/v1.0-alpha1/state/s/query',
      '/v1.0/secrets/vault/bulk',
      '/v1.0/secrets/vault',
      '/v1.0/publish/p/t',
      '/v1.0/statex/s/k',
      '/healthz',
    ];
    for (const p of paths) expect(fast(p), p).toBe(general(p));
  });
});
