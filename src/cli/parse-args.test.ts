import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './parse-args.js';
import { helpText } from './help.js';
import { OPTIONS } from './options-table.js';
import { toRuntimeOptions } from './to-runtime-options.js';

describe('parseArgs', () => {
  it('takes daprd flags, dapr run short flags, repeated lists and the app command', () => {
    const p = parseArgs(
      [
        '-a',
        'orders',
        '--dapr-http-port=3600',
        '-d',
        'a',
        '--resources-path',
        'b',
        '--log-as-json',
        '--',
        'node',
        'app.js',
      ],
      {},
    );
    expect(p.options['app-id']).toBe('orders');
    expect(p.options['dapr-http-port']).toBe(3600);
    expect(p.options['resources-path']).toEqual(['a', 'b']);
    expect(p.options['log-as-json']).toBe(true);
    expect(p.command).toEqual(['node', 'app.js']);
  });

  it('falls back to env vars, then defaults', () => {
    const p = parseArgs([], { APP_ID: 'fromenv' });
    expect(p.options['app-id']).toBe('fromenv');
    expect(p.options['dapr-http-port']).toBe(3500);
    expect(p.options['log-level']).toBe('info');
  });

  it('accepts --components-path as an alias', () => {
    expect(parseArgs(['--components-path', 'x'], {}).options['resources-path']).toEqual(['x']);
  });

  it('rejects unknown flags and bad integers', () => {
    expect(() => parseArgs(['--nope'], {})).toThrow(UsageError);
    expect(() => parseArgs(['--dapr-http-port', 'abc'], {})).toThrow(/integer/);
  });

  it('requires an app id and converts sizes', () => {
    expect(() => toRuntimeOptions(parseArgs([], {}).options)).toThrow(/--app-id/);
    expect(toRuntimeOptions(parseArgs(['-a', 'x', '--max-body-size', '2Mi'], {}).options).maxBodyBytes).toBe(
      2 * 1024 * 1024,
    );
    expect(toRuntimeOptions(parseArgs(['-a', 'x'], {}).options).maxBodyBytes).toBe(4 * 1024 * 1024);
  });

  it('maps the app health check flags as daprd resolves them', () => {
    const opts = (args: string[]) => toRuntimeOptions(parseArgs(['-a', 'x', ...args], {}).options);
    expect(opts([]).appHealthCheck).toBeUndefined();
    expect(opts(['--enable-app-health-check']).appHealthCheck).toEqual({
      path: '/healthz',
      intervalMs: 5000,
      timeoutMs: 500,
      threshold: 3,
    });
    expect(
      opts([
        '--enable-app-health-check',
        '--app-health-check-path',
        '/ready',
        '--app-health-probe-interval',
        '2',
        '--app-health-probe-timeout',
        '1500',
        '--app-health-threshold',
        '0',
      ]).appHealthCheck,
    ).toEqual({ path: '/ready', intervalMs: 2000, timeoutMs: 1500, threshold: 3 });
    expect(() => opts(['--app-health-probe-interval', '1', '--app-health-probe-timeout', '1001'])).toThrow(
      /must be smaller than 'health-probe-interval'/,
    );
  });

  it('lists every flag with its env var and default in --help', () => {
    const text = helpText('run');
    for (const o of OPTIONS) {
      expect(text).toContain(`--${o.flag}`);
      if (o.env) expect(text).toContain(o.env);
      if (o.default !== undefined) expect(text).toContain(`(default ${JSON.stringify(o.default)})`);
    }
  });
});
