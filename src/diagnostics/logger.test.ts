import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it("JSON: daprd's fields, daprd's level names, a default scope", () => {
    const { lines, destination } = capture();
    const log = createLogger({ appId: 'app', json: true, destination });
    log.info('hello');
    log.child({ scope: 'dapr.runtime.state' }).warn('careful');
    const [a, b] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(a).sort()).toEqual([
      'app_id',
      'instance',
      'level',
      'msg',
      'scope',
      'time',
      'type',
      'ver',
    ]);
    expect(a).toMatchObject({
      type: 'log',
      app_id: 'app',
      level: 'info',
      scope: 'dapr.runtime',
      msg: 'hello',
    });
    expect(b).toMatchObject({ level: 'warning', scope: 'dapr.runtime.state' });
  });

  it("a call's field never shadows one of daprd's", () => {
    const { lines, destination } = capture();
    const log = createLogger({ appId: 'app', json: true, destination });
    log.child({ type: 'state.redis' }).info({ app_id: 'other' }, 'loaded');
    expect(lines[0].match(/"type":/g)).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      type: 'log',
      kind: 'state.redis',
      app_id: 'app',
      field_app_id: 'other',
    });
  });

  it('text: readable lines with level, app id and scope; the level filters', () => {
    const { lines, destination } = capture();
    const log = createLogger({ appId: 'app', level: 'warn', destination });
    log.info('hidden');
    log.child({ scope: 'dapr.runtime.http' }).error({ code: 500 }, 'failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+ ERROR \[app\] dapr\.runtime\.http: failed code=500$/);
  });
});
