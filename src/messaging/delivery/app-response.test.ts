import { describe, expect, it } from 'vitest';
import { interpretResponse } from './app-response.js';

const answer = (body: string, status = 200) =>
  interpretResponse({ status, headers: {}, body: Buffer.from(body) }).outcome;

describe('interpretResponse (daprd decodes the body into struct{Status string `json:"status"`})', () => {
  it('reads the documented statuses, case-sensitive values', () => {
    expect(answer('')).toBe('SUCCESS');
    expect(answer('{}')).toBe('SUCCESS');
    expect(answer('{"status":"SUCCESS"}')).toBe('SUCCESS');
    expect(answer('{"status":"RETRY"}')).toBe('RETRY');
    expect(answer('{"status":"DROP"}')).toBe('DROP');
    expect(answer('{"status":"success"}')).toBe('RETRY');
    expect(answer('not json')).toBe('SUCCESS');
    expect(answer('', 404)).toBe('DROP');
    expect(answer('{"status":"SUCCESS"}', 500)).toBe('RETRY');
  });

  it('a status that is not a string fails the decode: success, as for any undecodable body', () => {
    expect(answer('{"status":1}')).toBe('SUCCESS');
    expect(answer('{"status":{"x":"RETRY"}}')).toBe('SUCCESS');
    expect(answer('{"status":["DROP"]}')).toBe('SUCCESS');
    expect(answer('{"status":null}')).toBe('SUCCESS');
    expect(answer('["RETRY"]')).toBe('SUCCESS');
    expect(answer('"RETRY"')).toBe('SUCCESS');
  });

  it('the field name matches case-insensitively (Go), the last match wins, null leaves it as it was', () => {
    expect(answer('{"Status":"RETRY"}')).toBe('RETRY');
    expect(answer('{"STATUS":"DROP"}')).toBe('DROP');
    expect(answer('{"status":"RETRY","Status":"DROP"}')).toBe('DROP');
    expect(answer('{"status":"RETRY","Status":null}')).toBe('RETRY');
    expect(answer('{"status":"DROP","other":5}')).toBe('DROP');
  });
});
