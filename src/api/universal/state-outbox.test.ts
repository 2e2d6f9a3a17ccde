import { describe, expect, it } from 'vitest';
import { outboxConfig, outboxTopic } from './state-outbox.js';

describe('outboxConfig', () => {
  it('needs both outboxPublishPubsub and outboxPublishTopic (exact names, as daprd reads them)', () => {
    expect(outboxConfig({ outboxPublishPubsub: 'p' }, '')).toBeUndefined();
    expect(outboxConfig({ outboxpublishpubsub: 'p', outboxPublishTopic: 't' }, '')).toBeUndefined();
    expect(outboxConfig({ outboxPublishPubsub: 'p', outboxPublishTopic: 't' }, '')).toEqual({
      publishPubsub: 'p',
      publishTopic: 't',
      outboxPubsub: 'p',
      discardWhenMissingState: false,
      namespace: '',
    });
  });

  it('takes outboxPubsub and a truthy outboxDiscardWhenMissingState; the internal topic joins namespace, app id and topic', () => {
    const c = outboxConfig(
      {
        outboxPublishPubsub: 'p',
        outboxPublishTopic: 'newOrder',
        outboxPubsub: 'internal',
        outboxDiscardWhenMissingState: 'Yes',
      },
      'prod',
    )!;
    expect(c).toMatchObject({ outboxPubsub: 'internal', discardWhenMissingState: true });
    expect(outboxTopic(c, 'orders')).toBe('prodordersnewOrderoutbox');
  });
});
