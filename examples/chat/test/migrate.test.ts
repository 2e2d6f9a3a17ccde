import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { DaprtsProcess } from '../../../test/helpers/daprts-process.js';
import { compare, migrate, type MigrateOptions } from '../scripts/migrate.js';
import type { ConversationState } from '../src/conversation.js';
import {
  dropStateTables,
  PG_URL,
  pgStateYaml,
  startChat,
  startDaprts,
  token,
  uniqueName,
  type RunningChat,
} from './harness.js';

/**
 * The migration on a seeded database: a source database of this file's own with the old
 * `conversations` and `messages` tables, copied through daprts into the PostgreSQL state store.
 */

const dbName = uniqueName('chat_mig');
const sourceUrl = (() => {
  const u = new URL(PG_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const tables = [uniqueName('chat_mig_a'), uniqueName('chat_mig_b')];
let admin: pg.Client;
let db: pg.Client;
let daprts: DaprtsProcess;
let chat: RunningChat;

/** Users, conversations and message counts of the seed (one conversation is past the 200 cap). */
const SEED: { user: string; counts: number[] }[] = [
  { user: 'ana', counts: [4, 0, 7] },
  { user: 'ben', counts: [230, 2] },
  { user: 'cy@example.com', counts: [1, 3, 5, 2] },
  { user: 'dee', counts: [6, 2, 10] },
];
const TOTAL = SEED.reduce((n, s) => n + s.counts.length, 0); // 12

async function seed(): Promise<void> {
  await db.query(`
    CREATE TABLE conversations (
      id serial PRIMARY KEY, user_id text NOT NULL, title text,
      created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
    CREATE TABLE messages (
      id serial PRIMARY KEY, conversation_id int NOT NULL REFERENCES conversations(id), user_id text NOT NULL,
      role varchar(16) NOT NULL, content text NOT NULL, tool_calls jsonb, created_at timestamptz NOT NULL);
    -- Rows that cannot be migrated as they are, in tables of their own.
    CREATE TABLE bad_conversations (id text PRIMARY KEY, user_id text NOT NULL, created_at timestamp NOT NULL);
    CREATE TABLE bad_messages (
      id bigserial PRIMARY KEY, conversation_id text NOT NULL, user_id text, role text NOT NULL,
      content text, created_at timestamp NOT NULL);
  `);
  // Microsecond timestamps, a fixed start, one minute per message.
  let t = Date.parse('2025-06-01T08:00:00Z');
  const ts = () => new Date((t += 60_000)).toISOString().replace('Z', '123+00');
  for (const { user, counts } of SEED) {
    for (const [ci, count] of counts.entries()) {
      const created = ts();
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO conversations (user_id, title, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id`,
        [user, ci === 0 ? null : `Conversation ${ci} of ${user}`, created],
      );
      const id = rows[0].id;
      let last = created;
      for (let m = 0; m < count; m++) {
        last = ts();
        const role = m % 2 ? 'assistant' : 'user';
        const toolCalls =
          role === 'assistant' && m === 1
            ? JSON.stringify([
                { id: 'call_a', type: 'function', function: { name: 'add_task', arguments: '{"t":1}' } },
              ])
            : null;
        await db.query(
          `INSERT INTO messages (conversation_id, user_id, role, content, tool_calls, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [id, user, role, `${user} #${id} message ${m}`, toolCalls, last],
        );
      }
      await db.query(`UPDATE conversations SET updated_at = $2 WHERE id = $1`, [id, last]);
    }
  }
  await db.query(`
    INSERT INTO bad_conversations VALUES
      ('good-1', 'gus', '2025-01-01 00:00:00'), ('bad-user', 'eve:admin', '2025-01-01 00:00:00'),
      ('stolen', 'gus', '2025-01-01 00:00:00'), ('robot', 'gus', '2025-01-01 00:00:00');
    INSERT INTO bad_messages (conversation_id, user_id, role, content, created_at) VALUES
      ('good-1', 'gus', 'user', 'hi', '2025-01-01 00:00:01.5'),
      ('stolen', 'mallory', 'user', 'not gus', '2025-01-01 00:00:02'),
      ('robot', 'gus', 'robot', 'beep', '2025-01-01 00:00:03');
  `);
}

/** The stored entries of the given store, key → etag (a write changes the etag). */
async function etags(store: string): Promise<Map<string, string>> {
  const keys = SEED.flatMap(({ user }) => [`chat-index:${user}`]);
  const { rows } = await db.query<{ user_id: string; id: number }>('SELECT user_id, id FROM conversations');
  keys.push(...rows.map((r) => `chat:${r.user_id}:${r.id}`));
  const res = await daprts.fetch(`/v1.0/state/${store}/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ keys }),
  });
  const items = (await res.json()) as { key: string; etag?: string }[];
  return new Map(items.map((i) => [i.key, i.etag ?? 'missing']));
}

const run = (store: string, extra: Partial<MigrateOptions> = {}) =>
  migrate({
    source: sourceUrl,
    daprHttpPort: String(daprts.httpPort),
    stateStore: store,
    batchSize: 4,
    ...extra,
  });

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  db = new pg.Client({ connectionString: sourceUrl });
  await db.connect();
  await seed();
  daprts = await startDaprts({
    table: tables[0],
    resources: { 'resume.yaml': pgStateYaml({ table: tables[1], name: 'resumestore' }) },
  });
  chat = await startChat(daprts.httpPort);
});

afterAll(async () => {
  await chat?.close();
  await daprts?.[Symbol.asyncDispose]();
  await db?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin?.end();
  for (const t of tables) await dropStateTables(t);
});

describe('migration', () => {
  it('copies every conversation and verifies counts and timestamps', async () => {
    const report = await run('statestore');
    expect(report).toMatchObject({
      complete: true,
      scanned: TOTAL,
      created: TOTAL,
      conflicts: [],
      invalid: [],
    });
    expect(report.verification).toEqual({
      checked: TOTAL,
      ok: TOTAL,
      continued: 0,
      skipped: 0,
      mismatches: [],
    });

    // Independently of the script: the source's own counts and timestamps (PostgreSQL renders them).
    const { rows } = await db.query<{
      id: number;
      user_id: string;
      n: number;
      created: string;
      updated: string;
      times: string[];
    }>(`
      SELECT c.id, c.user_id, count(m.id)::int AS n,
             to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created,
             to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated,
             coalesce(array_agg(to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                                ORDER BY m.created_at) FILTER (WHERE m.id IS NOT NULL), '{}') AS times
        FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
       GROUP BY c.id ORDER BY c.id`);
    for (const r of rows) {
      const tok = await token(r.user_id);
      const h = await chat.api.history(tok, r.user_id, String(r.id));
      expect(h.status).toBe(200);
      expect(h.body.created_at).toBe(r.created);
      expect(h.body.updated_at).toBe(r.updated);
      expect(h.body.messages).toHaveLength(Math.min(r.n, 200));
      expect(h.body.messages.map((m) => m.created_at)).toEqual(r.times.slice(-200));
    }
    // The 230-message conversation kept its most recent 200.
    const long = rows.find((r) => r.n === 230)!;
    const h = await chat.api.history(await token('ben'), 'ben', String(long.id));
    expect(h.body.messages[0].content).toBe(`ben #${long.id} message 30`);
    // Tool calls came across in the stored shape.
    const withTool = await chat.api.history(await token('ana'), 'ana', String(rows[0].id));
    expect(withTool.body.messages[1].tool_calls).toEqual([
      { id: 'call_a', name: 'add_task', arguments: '{"t":1}' },
    ]);

    // The users' lists come from the indexes the migration wrote.
    const list = await chat.api.list(await token('cy@example.com'), 'cy@example.com');
    expect(list.body.conversations.map((c) => c.message_count).sort()).toEqual([1, 2, 3, 5]);
    expect(list.body.conversations.find((c) => c.message_count === 3)?.title).toBe(
      'Conversation 1 of cy@example.com',
    );
  });

  it('a second run changes nothing, and a conversation continued since is recognised', async () => {
    const ana = await token('ana');
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM conversations WHERE user_id = 'ana' ORDER BY id`,
    );
    const r = await chat.api.sendOk(ana, 'ana', 'continuing after the migration', String(rows[0].id));
    expect(r.response).toContain('I can see 4 earlier messages');

    const before = await etags('statestore');
    const report = await run('statestore');
    expect(report).toMatchObject({
      complete: true,
      created: 0,
      present: TOTAL - 1,
      continued: 1,
      conflicts: [],
    });
    expect(report.verification).toMatchObject({
      checked: TOTAL,
      ok: TOTAL - 1,
      continued: 1,
      mismatches: [],
    });
    expect(await etags('statestore')).toEqual(before);
  });

  it('an interrupted run resumes from its checkpoint and ends verified', async () => {
    // A partial run (--limit): three conversations, then a checkpoint.
    const first = await run('resumestore', { limit: 3 });
    expect(first).toMatchObject({ complete: false, scanned: 3, created: 3 });
    expect(first.verification).toBeUndefined();

    // A crash in the middle of the next batch: the checkpoint does not move past it.
    let seen = 0;
    await expect(
      run('resumestore', {
        onProgress: () => {
          if (++seen === 3) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');

    const last = await run('resumestore');
    expect(last.resumedFrom).toEqual(first.cursor);
    expect(first.cursor).toBeDefined();
    expect(last).toMatchObject({ complete: true, scanned: TOTAL - 3, conflicts: [], invalid: [] });
    // What the crashed run wrote is found, not written again.
    expect(last.present).toBeGreaterThanOrEqual(3);
    expect(last.created + last.present).toBe(TOTAL - 3);
    expect(last.verification).toMatchObject({ checked: TOTAL, ok: TOTAL, mismatches: [] });

    // And the next run starts from the top again, finding everything in place.
    const again = await run('resumestore');
    expect(again).toMatchObject({ scanned: TOTAL, created: 0, present: TOTAL });
    expect(again.resumedFrom).toBeUndefined();
  });

  it('skips and reports rows it cannot migrate safely', async () => {
    const report = await run('statestore', {
      conversationsTable: 'bad_conversations',
      messagesTable: 'bad_messages',
      name: 'bad',
    });
    expect(report.created).toBe(1);
    expect(report.invalid.map((i) => i.conversation).sort()).toEqual([
      'eve:admin/bad-user',
      'gus/robot',
      'gus/stolen',
    ]);
    expect(report.invalid.find((i) => i.conversation === 'gus/stolen')?.problems[0]).toMatch(
      /belongs to user "mallory"/,
    );
    expect(report.verification).toMatchObject({ checked: 1, ok: 1, skipped: 3 });
    // A timestamp without time zone is read as UTC.
    const h = await chat.api.history(await token('gus'), 'gus', 'good-1');
    expect(h.body.messages[0].created_at).toBe('2025-01-01T00:00:01.500Z');
  });

  it('runs as a script (verify only)', async () => {
    const script = resolve(import.meta.dirname, '../scripts/migrate.ts');
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', script, '--source', sourceUrl, '--verify-only', '--store', 'statestore'],
      { env: { ...process.env, DAPR_HTTP_PORT: String(daprts.httpPort) } },
    );
    const report = JSON.parse(stdout) as { verification: { ok: number; continued: number } };
    expect(report.verification.ok + report.verification.continued).toBe(TOTAL);
    expect(stderr).toMatch(/mismatched/);
  });

  it('compares a stored conversation with the source', () => {
    const m = (id: string) => ({
      id,
      role: 'user' as const,
      content: id,
      created_at: `2025-01-01T00:00:0${id}.000Z`,
    });
    const e: ConversationState = {
      version: 1,
      user_id: 'u',
      conversation_id: 'c',
      title: '',
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2025-01-01T00:00:02.000Z',
      messages: [m('1'), m('2')],
    };
    expect(compare(e, e).status).toBe('ok');
    expect(compare(e, undefined).problems).toEqual(['missing from the state store']);
    expect(
      compare(e, { ...e, messages: [...e.messages, m('3')], updated_at: '2025-01-01T00:00:03.000Z' }).status,
    ).toBe('continued');
    const shifted = compare(e, { ...e, messages: [m('1'), { ...m('2'), created_at: 'x' }] });
    expect(shifted).toEqual({ status: 'mismatch', problems: ['message 1 differs (created_at)'] });
    expect(compare(e, { ...e, messages: [m('1')] }).problems).toContain('message count 1 ≠ 2');
  });
});
