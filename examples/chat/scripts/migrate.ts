/**
 * Copies a chatbot's PostgreSQL `conversations` and `messages` tables into the Dapr state store in
 * the chat service's format (one entry per conversation under `chat:{user_id}:{conversation_id}`,
 * plus each user's `chat-index:{user_id}`), through daprts with the official SDK, then verifies
 * every conversation (message count, timestamps, contents) against the source.
 *
 *   npx tsx examples/chat/scripts/migrate.ts --source postgres://user@host/db [options]
 *
 * Idempotent: a conversation already in the store is never overwritten (first-write); it is compared
 * instead. Resumable: progress is checkpointed in the state store after every batch
 * (`chat-migration:{name}`), and an interrupted run continues after the last checkpoint. See
 * examples/chat/README.md ("Migrating from the conversations/messages tables") for the columns.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { DaprClient } from '@dapr/dapr';
import { createDaprClient } from '../src/app.js';
import { DEFAULTS } from '../src/config.js';
import {
  MalformedStateError,
  parseConversation,
  ROLES,
  titleFrom,
  type ConversationState,
  type Message,
  type Role,
  type ToolCall,
} from '../src/conversation.js';
import { conversationKey, indexKey, isConversationId, isUserId } from '../src/keys.js';
import { ConversationStore, silentLog, type Log } from '../src/store.js';

export interface MigrateOptions {
  /** Connection string of the source database. */
  source: string;
  conversationsTable?: string;
  messagesTable?: string;
  daprHost?: string;
  daprHttpPort?: string;
  daprApiToken?: string;
  stateStore?: string;
  /** Conversations longer than this keep their most recent messages, as the service does. */
  maxMessages?: number;
  /** TTL of the migrated entries, counted from the migration (0: none). */
  ttlSeconds?: number;
  /** Conversations per batch (one checkpoint per batch). */
  batchSize?: number;
  /** Names the checkpoint (`chat-migration:{name}`), to run several migrations side by side. */
  name?: string;
  /** Stop after this many conversations (a partial run; the next run resumes). */
  limit?: number;
  /** Ignore an unfinished checkpoint and scan from the start. */
  restart?: boolean;
  /** Only verify; write nothing. */
  verifyOnly?: boolean;
  /** Called after each conversation (progress; throwing aborts the run, as a crash would). */
  onProgress?: (event: { key: string; outcome: Outcome }) => void;
  log?: Log;
  /** Use this client instead of creating one (tests). */
  client?: DaprClient;
}

export type Outcome = 'created' | 'present' | 'continued' | 'index-repaired' | 'conflict' | 'invalid';

export interface Problem {
  conversation: string;
  problems: string[];
}

export interface MigrateReport {
  /** The checkpoint the run resumed after, if it resumed. */
  resumedFrom?: Cursor;
  /** Where this run's scan stopped (what its checkpoint says). */
  cursor?: Cursor;
  /** Conversations this run read from the source. */
  scanned: number;
  created: number;
  /** Already in the store with the same content (an earlier run). */
  present: number;
  /** Already in the store and continued since (more messages after the migrated ones). */
  continued: number;
  indexRepaired: number;
  /** In the store with different content: left alone, listed here. */
  conflicts: Problem[];
  /** Rows that cannot be migrated (bad ids, roles, a message of another user): skipped, listed. */
  invalid: Problem[];
  /** False when the run stopped early (`limit`); the next run resumes. */
  complete: boolean;
  /** Every source conversation checked against the store (only after a complete scan). */
  verification?: { checked: number; ok: number; continued: number; skipped: number; mismatches: Problem[] };
}

/** Position of the scan: the last (user_id, id) done, in the source's native types. */
export interface Cursor {
  user_id: string;
  id: string | number;
}

interface Checkpoint {
  version: 1;
  cursor?: Cursor;
  complete: boolean;
  updated_at: string;
}

interface Columns {
  conversationTitle: boolean;
  conversationUpdatedAt: boolean;
  messageToolCalls: boolean;
  messageUserId: boolean;
}

interface SourceConversation {
  id: string | number;
  user_id: string;
  created_at: Date;
  updated_at: Date | null;
  title: string | null;
}

interface SourceMessage {
  id: string | number;
  conversation_id: string | number;
  user_id: string | null;
  role: string;
  content: string | null;
  tool_calls: unknown;
  created_at: Date;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

function quoteTable(name: string): { sql: string; schema?: string; table: string } {
  if (!IDENT.test(name)) throw new Error(`invalid table name "${name}"`);
  const parts = name.split('.');
  const table = parts.pop()!;
  const schema = parts[0];
  return {
    sql: parts
      .concat(table)
      .map((p) => `"${p}"`)
      .join('.'),
    schema,
    table,
  };
}

/** `timestamp without time zone` columns are read as UTC (not the local time zone of this process). */
const sourceTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 1114
      ? (s: string) => new Date(`${s.replace(' ', 'T')}Z`)
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

class Source {
  private constructor(
    private readonly db: pg.Client,
    private readonly conversations: string,
    private readonly messages: string,
    readonly columns: Columns,
  ) {}

  static async open(url: string, conversationsTable: string, messagesTable: string): Promise<Source> {
    const db = new pg.Client({ connectionString: url, types: sourceTypes, application_name: 'chat-migrate' });
    await db.connect();
    try {
      const conv = quoteTable(conversationsTable);
      const msgs = quoteTable(messagesTable);
      const cols = async (t: { schema?: string; table: string }) => {
        const r = await db.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns
            WHERE table_schema = coalesce($1, current_schema()) AND table_name = $2`,
          [t.schema ?? null, t.table],
        );
        return new Set(r.rows.map((x) => x.column_name));
      };
      const c = await cols(conv);
      const m = await cols(msgs);
      const need = (have: Set<string>, table: string, names: string[]) => {
        const missing = names.filter((n) => !have.has(n));
        if (missing.length) throw new Error(`table ${table} lacks column(s): ${missing.join(', ')}`);
      };
      need(c, conversationsTable, ['id', 'user_id', 'created_at']);
      need(m, messagesTable, ['id', 'conversation_id', 'role', 'content', 'created_at']);
      return new Source(db, conv.sql, msgs.sql, {
        conversationTitle: c.has('title'),
        conversationUpdatedAt: c.has('updated_at'),
        messageToolCalls: m.has('tool_calls'),
        messageUserId: m.has('user_id'),
      });
    } catch (err) {
      await db.end();
      throw err;
    }
  }

  /** The next batch of conversations after `cursor`, in (user_id, id) order. */
  async conversationsAfter(cursor: Cursor | undefined, limit: number): Promise<SourceConversation[]> {
    const c = this.columns;
    const select = `SELECT id, user_id::text AS user_id, created_at,
        ${c.conversationUpdatedAt ? 'updated_at' : 'NULL::timestamptz AS updated_at'},
        ${c.conversationTitle ? 'title::text AS title' : 'NULL::text AS title'}
      FROM ${this.conversations}`;
    const r = cursor
      ? await this.db.query<SourceConversation>(
          `${select} WHERE (user_id, id) > ($1, $2) ORDER BY user_id, id LIMIT $3`,
          [cursor.user_id, cursor.id, limit],
        )
      : await this.db.query<SourceConversation>(`${select} ORDER BY user_id, id LIMIT $1`, [limit]);
    return r.rows;
  }

  /** The messages of these conversations, oldest first, grouped by conversation id (as text). */
  async messagesOf(ids: (string | number)[]): Promise<Map<string, SourceMessage[]>> {
    const c = this.columns;
    const r = await this.db.query<SourceMessage>(
      `SELECT id, conversation_id,
          ${c.messageUserId ? 'user_id::text AS user_id' : 'NULL::text AS user_id'},
          role::text AS role, content::text AS content,
          ${c.messageToolCalls ? 'tool_calls' : 'NULL AS tool_calls'}, created_at
        FROM ${this.messages}
       WHERE conversation_id = ANY($1)
       ORDER BY conversation_id, created_at, id`,
      [ids],
    );
    const by = new Map<string, SourceMessage[]>();
    for (const row of r.rows) {
      const k = String(row.conversation_id);
      (by.get(k) ?? by.set(k, []).get(k)!).push(row);
    }
    return by;
  }

  close(): Promise<void> {
    return this.db.end();
  }
}

function toToolCalls(raw: unknown): ToolCall[] | undefined {
  let v = raw;
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'string') v = JSON.parse(v);
  if (!Array.isArray(v)) throw new Error('tool_calls is not an array');
  if (v.length === 0) return undefined;
  return v.map((t: Record<string, unknown>, i) => {
    // Either the stored shape {id, name, arguments} or OpenAI's {id, type, function: {name, arguments}}.
    const fn = (t.function ?? t) as Record<string, unknown>;
    const args = fn.arguments ?? {};
    return {
      id: typeof t.id === 'string' ? t.id : `call_${i}`,
      name: String(fn.name ?? ''),
      arguments: typeof args === 'string' ? args : JSON.stringify(args),
    };
  });
}

/** The state entry a source conversation becomes, or why it cannot be migrated. */
export function convert(
  conv: SourceConversation,
  rows: SourceMessage[],
  maxMessages: number,
): { state: ConversationState } | { problems: string[] } {
  const conversationId = String(conv.id);
  const problems: string[] = [];
  if (!isUserId(conv.user_id)) problems.push(`user_id "${conv.user_id}" is not a valid user id`);
  if (!isConversationId(conversationId))
    problems.push(`id "${conversationId}" is not a valid conversation id`);
  const messages: Message[] = [];
  for (const r of rows) {
    if (r.user_id !== null && r.user_id !== conv.user_id)
      problems.push(`message ${r.id} belongs to user "${r.user_id}", not the conversation's user`);
    if (!(ROLES as readonly string[]).includes(r.role)) problems.push(`message ${r.id} has role "${r.role}"`);
    let toolCalls: ToolCall[] | undefined;
    try {
      toolCalls = toToolCalls(r.tool_calls);
    } catch (err) {
      problems.push(`message ${r.id}: ${(err as Error).message}`);
    }
    messages.push({
      id: String(r.id),
      role: r.role as Role,
      content: r.content ?? '',
      ...(toolCalls ? { tool_calls: toolCalls } : {}),
      created_at: r.created_at.toISOString(),
    });
  }
  if (problems.length) return { problems };
  const createdAt = conv.created_at.toISOString();
  const kept = messages.length > maxMessages ? messages.slice(messages.length - maxMessages) : messages;
  return {
    state: {
      version: 1,
      user_id: conv.user_id,
      conversation_id: conversationId,
      title: conv.title?.trim() || titleFrom(messages),
      created_at: createdAt,
      updated_at: (conv.updated_at ?? rows.at(-1)?.created_at ?? conv.created_at).toISOString(),
      messages: kept,
    },
  };
}

const sameMessage = (a: Message, b: Message) =>
  a.id === b.id &&
  a.role === b.role &&
  a.content === b.content &&
  a.created_at === b.created_at &&
  JSON.stringify(a.tool_calls ?? []) === JSON.stringify(b.tool_calls ?? []);

/**
 * Compares a stored conversation with what the source says it must be. `continued`: the migrated
 * messages are there and the conversation went on afterwards in the chat service (not a failure).
 */
export function compare(
  expected: ConversationState,
  stored: ConversationState | undefined,
): { status: 'ok' | 'continued' | 'mismatch'; problems: string[] } {
  if (!stored) return { status: 'mismatch', problems: ['missing from the state store'] };
  const problems: string[] = [];
  if (stored.user_id !== expected.user_id) problems.push(`user_id ${stored.user_id} ≠ ${expected.user_id}`);
  if (stored.created_at !== expected.created_at)
    problems.push(`created_at ${stored.created_at} ≠ ${expected.created_at}`);
  const E = expected.messages;
  const S = stored.messages;
  const same = S.length === E.length && S.every((m, i) => sameMessage(m, E[i]));
  if (same) {
    if (stored.updated_at !== expected.updated_at)
      problems.push(`updated_at ${stored.updated_at} ≠ ${expected.updated_at}`);
    return { status: problems.length ? 'mismatch' : 'ok', problems };
  }
  // Continued: the last migrated message is followed by newer ones, and what is left of the
  // migrated messages before it (the cap may have dropped the oldest) matches.
  const j = E.length === 0 ? -1 : S.findIndex((m) => m.id === E[E.length - 1].id);
  if (E.length === 0 || j >= 0) {
    const overlap = Math.min(E.length, j + 1);
    const tailMatches = Array.from({ length: overlap }).every((_, k) =>
      sameMessage(S[j - overlap + 1 + k], E[E.length - overlap + k]),
    );
    if (tailMatches && j < S.length - 1 && stored.updated_at >= expected.updated_at && !problems.length)
      return { status: 'continued', problems: [] };
  }
  if (S.length !== E.length) problems.push(`message count ${S.length} ≠ ${E.length}`);
  const firstDiff = S.findIndex((m, i) => i < E.length && !sameMessage(m, E[i]));
  if (firstDiff >= 0) {
    const [s, e] = [S[firstDiff], E[firstDiff]];
    const fields = (['id', 'role', 'content', 'created_at'] as const).filter((f) => s[f] !== e[f]);
    problems.push(`message ${firstDiff} differs (${fields.join(', ') || 'tool_calls'})`);
  }
  if (stored.updated_at !== expected.updated_at)
    problems.push(`updated_at ${stored.updated_at} ≠ ${expected.updated_at}`);
  return { status: 'mismatch', problems };
}

export async function migrate(opts: MigrateOptions): Promise<MigrateReport> {
  const log = opts.log ?? silentLog;
  const maxMessages = opts.maxMessages ?? DEFAULTS.maxMessages;
  const batchSize = opts.batchSize ?? 100;
  const storeName = opts.stateStore ?? DEFAULTS.stateStore;
  const client =
    opts.client ??
    createDaprClient(
      {
        daprHost: opts.daprHost ?? DEFAULTS.daprHost,
        daprHttpPort: opts.daprHttpPort ?? DEFAULTS.daprHttpPort,
        daprApiToken: opts.daprApiToken,
      },
      log,
    );
  const store = new ConversationStore(
    client,
    {
      stateStore: storeName,
      maxMessages,
      conversationTtlSeconds: opts.ttlSeconds ?? DEFAULTS.conversationTtlSeconds,
      stateTimeoutMs: 60_000,
      degradedRetryMs: 0,
      appendMaxAttempts: 20,
      appendBackoffBaseMs: 10,
      appendBackoffCapMs: 1000,
      maxInflightStateCalls: 16,
    },
    log,
  );
  const checkpointKey = `chat-migration:${opts.name ?? 'default'}`;
  const source = await Source.open(
    opts.source,
    opts.conversationsTable ?? 'conversations',
    opts.messagesTable ?? 'messages',
  );
  const report: MigrateReport = {
    scanned: 0,
    created: 0,
    present: 0,
    continued: 0,
    indexRepaired: 0,
    conflicts: [],
    invalid: [],
    complete: false,
  };
  try {
    if (!opts.verifyOnly) {
      const saved = (await client.state.get(storeName, checkpointKey)) as Checkpoint | '';
      let cursor = saved && !saved.complete && !opts.restart ? saved.cursor : undefined;
      if (cursor) {
        report.resumedFrom = cursor;
        log.info({ cursor }, 'resuming after the checkpoint');
      }
      const saveCheckpoint = async (complete: boolean) => {
        const value: Checkpoint = { version: 1, cursor, complete, updated_at: new Date().toISOString() };
        await client.state.transaction(storeName, [
          { operation: 'upsert', request: { key: checkpointKey, value } },
        ]);
      };
      for (;;) {
        const room = opts.limit === undefined ? batchSize : Math.min(batchSize, opts.limit - report.scanned);
        if (room <= 0) break;
        const batch = await source.conversationsAfter(cursor, room);
        if (batch.length === 0) {
          report.complete = true;
          break;
        }
        const messages = await source.messagesOf(batch.map((c) => c.id));
        // Users in parallel; one user's conversations in order (they share the user's index).
        const byUser = new Map<string, SourceConversation[]>();
        for (const c of batch) byUser.set(c.user_id, [...(byUser.get(c.user_id) ?? []), c]);
        const settled = await Promise.allSettled(
          [...byUser.values()].map(async (convs) => {
            for (const conv of convs) {
              const outcome = await migrateOne(
                store,
                conv,
                messages.get(String(conv.id)) ?? [],
                maxMessages,
                report,
              );
              opts.onProgress?.({ key: `chat:${conv.user_id}:${conv.id}`, outcome });
            }
          }),
        );
        // A failure stops the run before the checkpoint moves: the next run redoes this batch.
        const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
        report.scanned += batch.length;
        const last = batch[batch.length - 1];
        cursor = { user_id: last.user_id, id: last.id };
        report.cursor = cursor;
        await saveCheckpoint(false);
        log.info({ scanned: report.scanned, created: report.created }, 'batch done');
      }
      if (report.complete) await saveCheckpoint(true);
    }
    if (opts.verifyOnly || report.complete) {
      report.complete = true;
      report.verification = await verifyAll(client, storeName, source, maxMessages, batchSize);
    }
    return report;
  } finally {
    await source.close();
    if (!opts.client) await client.stop();
  }
}

async function migrateOne(
  store: ConversationStore,
  conv: SourceConversation,
  rows: SourceMessage[],
  maxMessages: number,
  report: MigrateReport,
): Promise<Outcome> {
  const name = `${conv.user_id}/${conv.id}`;
  const converted = convert(conv, rows, maxMessages);
  if ('problems' in converted) {
    report.invalid.push({ conversation: name, problems: converted.problems });
    return 'invalid';
  }
  let result: Awaited<ReturnType<ConversationStore['create']>>;
  try {
    result = await store.create(converted.state);
  } catch (err) {
    if (!(err instanceof MalformedStateError)) throw err;
    report.conflicts.push({ conversation: name, problems: [err.message] });
    return 'conflict';
  }
  if (result.created) {
    report.created++;
    return 'created';
  }
  if (result.indexed) report.indexRepaired++;
  const cmp = compare(converted.state, result.existing);
  if (cmp.status === 'mismatch') {
    report.conflicts.push({ conversation: name, problems: cmp.problems });
    return 'conflict';
  }
  if (cmp.status === 'ok') report.present++;
  else report.continued++;
  return result.indexed ? 'index-repaired' : cmp.status === 'ok' ? 'present' : 'continued';
}

/** Reads every source conversation's entry (and its user's index) back and compares. */
async function verifyAll(
  client: DaprClient,
  storeName: string,
  source: Source,
  maxMessages: number,
  batchSize: number,
): Promise<NonNullable<MigrateReport['verification']>> {
  const v = { checked: 0, ok: 0, continued: 0, skipped: 0, mismatches: [] as Problem[] };
  let cursor: Cursor | undefined;
  for (;;) {
    const batch = await source.conversationsAfter(cursor, batchSize);
    if (batch.length === 0) return v;
    const last = batch[batch.length - 1];
    cursor = { user_id: last.user_id, id: last.id };
    const messages = await source.messagesOf(batch.map((c) => c.id));
    const converted = batch.map((c) => convert(c, messages.get(String(c.id)) ?? [], maxMessages));
    const expected = converted.flatMap((r) => ('state' in r ? [r.state] : []));
    v.skipped += converted.length - expected.length; // not migratable: listed under `invalid` by the copy
    if (expected.length === 0) continue;
    const users = [...new Set(expected.map((e) => e.user_id))];
    const keys = [
      ...expected.map((e) => conversationKey(e.user_id, e.conversation_id)),
      ...users.map((u) => indexKey(u)),
    ];
    const items = (await client.state.getBulk(storeName, keys)) as { key: string; data?: unknown }[];
    const byKey = new Map(items.map((i) => [i.key, i.data]));
    for (const e of expected) {
      v.checked++;
      const name = `${e.user_id}/${e.conversation_id}`;
      const key = conversationKey(e.user_id, e.conversation_id);
      let stored: ConversationState | undefined;
      try {
        stored = parseConversation(key, byKey.get(key));
      } catch (err) {
        v.mismatches.push({ conversation: name, problems: [(err as Error).message] });
        continue;
      }
      const cmp = compare(e, stored);
      const index = byKey.get(indexKey(e.user_id)) as { conversations?: Record<string, unknown> } | undefined;
      if (stored && !index?.conversations?.[e.conversation_id])
        cmp.problems.push('missing from the user index');
      if (cmp.status === 'mismatch' || cmp.problems.length)
        v.mismatches.push({ conversation: name, problems: cmp.problems });
      else if (cmp.status === 'continued') v.continued++;
      else v.ok++;
    }
  }
}

const USAGE = `Usage: npx tsx examples/chat/scripts/migrate.ts --source <postgres url> [options]

  --source <url>               source database (or MIGRATE_SOURCE_URL)
  --conversations-table <t>    default: conversations (may be schema.table)
  --messages-table <t>         default: messages
  --dapr-host <host>           default: DAPR_HOST or 127.0.0.1
  --dapr-http-port <port>      default: DAPR_HTTP_PORT or 3500
  --store <name>               state store component, default: STATE_STORE_NAME or statestore
  --max-messages <n>           keep the most recent n per conversation, default: MAX_MESSAGES or 200
  --ttl-seconds <n>            TTL of migrated entries from now, default: CONVERSATION_TTL_SECONDS or 30 days
  --batch-size <n>             conversations per batch and checkpoint, default: 100
  --name <name>                checkpoint name (chat-migration:<name>), default: default
  --limit <n>                  stop after n conversations (the next run resumes)
  --restart                    ignore an unfinished checkpoint
  --verify-only                only compare the source with the state store

Exit status: 0 all verified, 1 conflicts/invalid rows/mismatches, 2 usage, 3 stopped early (--limit).`;

async function main(): Promise<number> {
  const env = process.env;
  let args;
  try {
    args = parseArgs({
      options: {
        source: { type: 'string' },
        'conversations-table': { type: 'string' },
        'messages-table': { type: 'string' },
        'dapr-host': { type: 'string' },
        'dapr-http-port': { type: 'string' },
        store: { type: 'string' },
        'max-messages': { type: 'string' },
        'ttl-seconds': { type: 'string' },
        'batch-size': { type: 'string' },
        name: { type: 'string' },
        limit: { type: 'string' },
        restart: { type: 'boolean' },
        'verify-only': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const num = (v: string | undefined, name: string) => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
    return n;
  };
  const source = args.source ?? env.MIGRATE_SOURCE_URL;
  if (!source) {
    console.error(`--source is required\n\n${USAGE}`);
    return 2;
  }
  const log: Log = {
    debug: () => {},
    info: (o, m) => console.error(`migrate: ${m ?? ''} ${JSON.stringify(o)}`),
    warn: (o, m) => console.error(`migrate: WARN ${m ?? ''} ${JSON.stringify(o)}`),
    error: (o, m) => console.error(`migrate: ERROR ${m ?? ''} ${JSON.stringify(o)}`),
  };
  let report: MigrateReport;
  try {
    report = await migrate({
      source,
      conversationsTable: args['conversations-table'],
      messagesTable: args['messages-table'],
      daprHost: args['dapr-host'] ?? env.DAPR_HOST,
      daprHttpPort: args['dapr-http-port'] ?? env.DAPR_HTTP_PORT,
      daprApiToken: env.DAPR_API_TOKEN,
      stateStore: args.store ?? env.STATE_STORE_NAME,
      maxMessages: num(args['max-messages'] ?? env.MAX_MESSAGES, '--max-messages'),
      ttlSeconds: num(args['ttl-seconds'] ?? env.CONVERSATION_TTL_SECONDS, '--ttl-seconds'),
      batchSize: num(args['batch-size'], '--batch-size'),
      name: args.name,
      limit: num(args.limit, '--limit'),
      restart: args.restart,
      verifyOnly: args['verify-only'],
      log,
    });
  } catch (err) {
    console.error(`migrate: failed: ${(err as Error).message}`);
    return 1;
  }
  console.log(JSON.stringify(report, null, 2));
  const v = report.verification;
  console.error(
    `migrate: scanned ${report.scanned}, created ${report.created}, already present ${report.present}, ` +
      `continued ${report.continued}, conflicts ${report.conflicts.length}, invalid ${report.invalid.length}` +
      (v
        ? `; verified ${v.checked}: ${v.ok} ok, ${v.continued} continued, ${v.mismatches.length} mismatched, ` +
          `${v.skipped} not migratable`
        : ''),
  );
  if (!report.complete) return 3;
  return report.conflicts.length || report.invalid.length || v?.mismatches.length || v?.skipped ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
