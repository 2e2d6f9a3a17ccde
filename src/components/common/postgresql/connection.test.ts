import { describe, expect, it } from 'vitest';
import { buildConnectionTarget, parseDsn } from './connection.js';

describe('parseDsn', () => {
  it('reads libpq key/value pairs, quoted values and escapes', () => {
    const m = parseDsn(`host=db.local port = 5433 user=app password='p a\\'ss' dbname=state sslmode=disable`);
    expect(Object.fromEntries(m)).toEqual({
      host: 'db.local',
      port: '5433',
      user: 'app',
      password: "p a'ss",
      dbname: 'state',
      sslmode: 'disable',
    });
  });

  it('rejects a key without a value and an unterminated quote', () => {
    expect(() => parseDsn('host')).toThrow(/missing '='/);
    expect(() => parseDsn("password='abc")).toThrow(/unterminated/);
  });
});

describe('buildConnectionTarget', () => {
  it('turns a DSN into a URL node-postgres understands', () => {
    const t = buildConnectionTarget({
      connectionString: 'host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable',
    });
    const u = new URL(t.url);
    expect(u.hostname).toBe('127.0.0.1');
    expect(u.port).toBe('5432');
    expect(u.username).toBe('postgres');
    expect(u.pathname).toBe('/test');
    expect(u.searchParams.get('sslmode')).toBe('disable');
    expect(u.searchParams.get('uselibpqcompat')).toBe('true');
  });

  it('applies the metadata overrides over a URL, as Dapr does', () => {
    const t = buildConnectionTarget({
      connectionString: 'postgres://old:oldpw@old-host:1111/olddb',
      host: 'new-host',
      port: '2222',
      user: 'new user',
      password: 'p@ss/word',
      database: 'newdb',
    });
    const u = new URL(t.url);
    expect(u.hostname).toBe('new-host');
    expect(u.port).toBe('2222');
    expect(decodeURIComponent(u.username)).toBe('new user');
    expect(decodeURIComponent(u.password)).toBe('p@ss/word');
    expect(u.pathname).toBe('/newdb');
  });

  it('builds from host alone and keeps Unix socket directories as the host parameter', () => {
    expect(new URL(buildConnectionTarget({ host: 'db' }).url).hostname).toBe('db');
    const sock = new URL(
      buildConnectionTarget({ connectionString: 'host=/var/run/postgresql dbname=x' }).url,
    );
    expect(sock.searchParams.get('host')).toBe('/var/run/postgresql');
  });

  it("reads pgx's pool_max_conns and drops the pgx-only parameters", () => {
    const t = buildConnectionTarget({
      connectionString: 'postgres://u@h/db?pool_max_conns=7&pool_max_conn_idle_time=5m&application_name=x',
    });
    expect(t.poolMaxConns).toBe(7);
    const u = new URL(t.url);
    expect(u.searchParams.has('pool_max_conns')).toBe(false);
    expect(u.searchParams.has('pool_max_conn_idle_time')).toBe(false);
    expect(u.searchParams.get('application_name')).toBe('x');
  });

  it('connects in plain text for sslmode=prefer (node-postgres cannot fall back)', () => {
    const u = new URL(buildConnectionTarget({ connectionString: 'postgres://h/db?sslmode=prefer' }).url);
    expect(u.searchParams.has('sslmode')).toBe(false);
  });

  it('requires a connection string or a host', () => {
    expect(() => buildConnectionTarget({})).toThrow(/connectionString/);
  });
});
