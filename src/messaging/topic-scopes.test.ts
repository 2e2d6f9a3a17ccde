import { describe, expect, it } from 'vitest';
import { topicScopes } from './topic-scopes.js';

describe('topic scopes', () => {
  it('allows everything with no scoping metadata', () => {
    const s = topicScopes({}, 'app1');
    expect(s.canPublish('any')).toBe(true);
    expect(s.canSubscribe('any')).toBe(true);
  });

  it('applies publishingScopes and subscriptionScopes per app', () => {
    const md = {
      publishingScopes: 'app1=topic1;app2=topic2,topic3;app3=',
      subscriptionScopes: 'app2=;app3=topic1',
    };
    expect(topicScopes(md, 'app1').canPublish('topic1')).toBe(true);
    expect(topicScopes(md, 'app1')).toBe(topicScopes(md, 'app1')); // parsed once per metadata and app
    expect(topicScopes(md, 'app1').canPublish('topic2')).toBe(false);
    expect(topicScopes(md, 'app2').canPublish('topic3')).toBe(true);
    expect(topicScopes(md, 'app3').canPublish('topic1')).toBe(false);
    expect(topicScopes(md, 'app2').canSubscribe('topic1')).toBe(false);
    expect(topicScopes(md, 'app3').canSubscribe('topic1')).toBe(true);
    expect(topicScopes(md, 'unlisted').canPublish('topic9')).toBe(true);
  });

  it('limits to allowedTopics and requires a scope for protectedTopics', () => {
    const md = { allowedTopics: 'a,b,p', protectedTopics: 'p', publishingScopes: 'app1=p' };
    expect(topicScopes(md, 'app2').canPublish('c')).toBe(false);
    expect(topicScopes(md, 'app2').canPublish('a')).toBe(true);
    expect(topicScopes(md, 'app2').canPublish('p')).toBe(false);
    expect(topicScopes(md, 'app1').canPublish('p')).toBe(true);
  });
});
