import { describe, expect, it } from 'vitest';
import { otlpHttpUrl, parseHeaders } from './exporters.js';

describe('exporter settings', () => {
  it('OTLP/HTTP endpoint: host:port (daprd form) or a URL', () => {
    expect(otlpHttpUrl('collector:4318', false)).toBe('http://collector:4318/v1/traces');
    expect(otlpHttpUrl('collector:4318', true)).toBe('https://collector:4318/v1/traces');
    expect(otlpHttpUrl('collector:4318/custom/path', false)).toBe('http://collector:4318/custom/path');
    expect(otlpHttpUrl('http://c:4318', true)).toBe('http://c:4318/v1/traces');
    expect(otlpHttpUrl('https://c:4318/x/v1/traces', false)).toBe('https://c:4318/x/v1/traces');
  });

  it('headers are key=value; entries without = are ignored', () => {
    expect(parseHeaders(['api-key=abc=def', ' x = y ', 'broken'])).toEqual({ 'api-key': 'abc=def', x: 'y' });
  });
});
