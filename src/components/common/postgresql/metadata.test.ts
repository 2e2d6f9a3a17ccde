import { describe, expect, it } from 'vitest';
import { ComponentMetadataError } from '../metadata.js';
import { parsePgMetadata, tableName, usesNamedStatements } from './metadata.js';

const CS = 'postgres://postgres@127.0.0.1:5432/test';
const parse = (raw: Record<string, string>) =>
  parsePgMetadata('statestore', { tableName: tableName('state') }, raw);

/** The field a metadata error names, or undefined when parsing succeeds. */
function failingField(raw: Record<string, string>): string | undefined {
  try {
    parse(raw);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ComponentMetadataError);
    return (err as ComponentMetadataError).field;
  }
}

describe('PostgreSQL component metadata', () => {
  it("uses Dapr's defaults", () => {
    const m = parse({ connectionString: CS });
    expect(m.timeout).toBe(20_000);
    expect(m.cleanupInterval).toBe(3_600_000);
    expect(m.metadataTableName).toBe('dapr_metadata');
    expect(m.tableName).toBe('state');
    expect(usesNamedStatements(m)).toBe(true);
  });

  it('accepts the aliases url, timeoutInSeconds and cleanupIntervalInSeconds (keys case-insensitive)', () => {
    const m = parse({ URL: CS, timeoutInSeconds: '30', CleanupIntervalInSeconds: '3600' });
    expect(m.connectionString).toBe(CS);
    expect(m.timeout).toBe(30_000);
    expect(m.cleanupInterval).toBe(3_600_000);
  });

  it('accepts Go durations and disables GC for cleanupInterval <= 0; empty means the default', () => {
    expect(parse({ connectionString: CS, timeout: '1m30s' }).timeout).toBe(90_000);
    expect(parse({ connectionString: CS, cleanupInterval: '0' }).cleanupInterval).toBeNull();
    expect(parse({ connectionString: CS, cleanupInterval: '-1' }).cleanupInterval).toBeNull();
    expect(parse({ connectionString: CS, cleanupInterval: '' }).cleanupInterval).toBe(3_600_000);
    expect(parse({ connectionString: CS, cleanupInterval: '10m' }).cleanupInterval).toBe(600_000);
  });

  it('ignores runtime-level and unknown keys', () => {
    const m = parse({
      connectionString: CS,
      keyPrefix: 'todo-app',
      actorStateStore: 'true',
      somethingElse: 'x',
    });
    expect(m.timeout).toBe(20_000);
  });

  it('rejects bad values with an error naming the field', () => {
    expect(failingField({ connectionString: CS, timeout: '0.5s' })).toBe('timeout');
    expect(failingField({ connectionString: CS, timeoutInSeconds: '0' })).toBe('timeout');
    expect(failingField({ connectionString: CS, cleanupInterval: 'abc' })).toBe('cleanupInterval');
    expect(failingField({ connectionString: CS, maxConns: 'many' })).toBe('maxConns');
    expect(failingField({ connectionString: CS, queryExecMode: 'fast' })).toBe('queryExecMode');
    expect(failingField({ connectionString: CS, tableName: 'state; DROP TABLE x' })).toBe('tableName');
    expect(failingField({ connectionString: CS, metadataTableName: 'a.b.c' })).toBe('metadataTableName');
    expect(failingField({ connectionString: CS, useAzureAD: 'true' })).toBe('useAzureAD');
    expect(failingField({})).toBe('connectionString');
    expect(failingField({ connectionString: "host='unterminated" })).toBe('connectionString');
  });

  it('accepts schema-qualified and quoted table names', () => {
    expect(parse({ connectionString: CS, tableName: 'myschema.state' }).tableName).toBe('myschema.state');
    expect(parse({ connectionString: CS, tableName: '"My State"' }).tableName).toBe('"My State"');
  });

  it('turns named statements off for the PgBouncer-safe exec modes', () => {
    expect(usesNamedStatements(parse({ connectionString: CS, queryExecMode: 'simple_protocol' }))).toBe(
      false,
    );
    expect(usesNamedStatements(parse({ connectionString: CS, queryExecMode: 'exec' }))).toBe(false);
    expect(usesNamedStatements(parse({ connectionString: CS, queryExecMode: 'cache_statement' }))).toBe(true);
  });
});
