import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { SignJWT } from 'jose';
import { DaprtsProcess } from '../../../test/helpers/daprts-process.js';
import { buildChatApp, type ChatApp } from '../src/app.js';
import { loadConfig, type ChatConfig } from '../src/config.js';
import type { ConversationState, ConversationSummary } from '../src/conversation.js';
import type { SendResult } from '../src/service.js';

/** The shared PostgreSQL of the test machine (see the repo README). */
export const PG_URL = process.env.DAPRTS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const SECRET = 'chat-example-test-secret-0123456789abcdef';
export const APP_ID = 'chat';

export const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;

/** The shipped component file (examples/chat/components/statestore.yaml). */
export const COMPONENT_FILE = resolve(import.meta.dirname, '../components/statestore.yaml');

/**
 * The shipped component YAML, unchanged except for its table names (each test file has its own) and,
 * optionally, the store name and `timeoutInSeconds`. The connection string stays an envRef.
 */
export function pgStateYaml(opts: { table: string; name?: string; timeoutInSeconds?: number }): string {
  let yaml = readFileSync(COMPONENT_FILE, 'utf8')
    .replace(/value: dapr_state_metadata$/m, `value: ${opts.table}_metadata`)
    .replace(/value: dapr_state$/m, `value: ${opts.table}`);
  if (opts.name) yaml = yaml.replace(/^ {2}name: statestore$/m, `  name: ${opts.name}`);
  if (opts.timeoutInSeconds !== undefined)
    yaml = yaml.replace(/(- name: timeoutInSeconds\n\s+value: )['"]30['"]/, `$1"${opts.timeoutInSeconds}"`);
  return yaml;
}

/** `daprts sidecar` (the built runtime) with the shipped `state.postgresql` component on its own table. */
export function startDaprts(opts: {
  connectionString?: string;
  table: string;
  timeoutInSeconds?: number;
  resources?: Record<string, string>;
}): Promise<DaprtsProcess> {
  return DaprtsProcess.start({
    appId: APP_ID,
    resources: { 'statestore.yaml': pgStateYaml(opts), ...opts.resources },
    env: { PG_CONNECTION_STRING: opts.connectionString ?? PG_URL },
    args: ['--log-level', 'warn'],
  });
}

/** Drops the state table and its metadata table (after a test file). */
export async function dropStateTables(table: string, connectionString = PG_URL): Promise<void> {
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    await c.query(`DROP TABLE IF EXISTS ${table}, ${table}_metadata`);
  } finally {
    await c.end();
  }
}

export function testConfig(daprPort: number, overrides: Partial<ChatConfig> = {}): ChatConfig {
  return loadConfig(
    {},
    {
      jwtSecret: SECRET,
      host: '127.0.0.1',
      port: 0,
      daprHttpPort: String(daprPort),
      logLevel: 'error',
      ...overrides,
    },
  );
}

export interface RunningChat extends ChatApp {
  url: string;
  api: ChatClient;
}

/** The chat service in this process on a free port. */
export async function startChat(
  daprPort: number,
  overrides: Partial<ChatConfig> = {},
  opts: Parameters<typeof buildChatApp>[1] = {},
): Promise<RunningChat> {
  const chat = buildChatApp(testConfig(daprPort, overrides), opts);
  const url = await chat.listen();
  return Object.assign(chat, { url, api: new ChatClient(url) });
}

export function token(sub: string, opts: { secret?: string; expiresIn?: string } = {}): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** The chat API as a browser or another service calls it. */
export class ChatClient {
  constructor(readonly url: string) {}

  async request<T>(method: string, path: string, tok?: string, body?: unknown): Promise<ApiResponse<T>> {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        ...(tok ? { authorization: `Bearer ${tok}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  send(tok: string, user: string, message: string, conversationId?: string) {
    return this.request<SendResult & { error?: string }>('POST', `/api/${user}/chat`, tok, {
      message,
      ...(conversationId ? { conversation_id: conversationId } : {}),
    });
  }

  /** Sends and expects a stored answer (200, no warning). */
  async sendOk(tok: string, user: string, message: string, conversationId?: string): Promise<SendResult> {
    const r = await this.send(tok, user, message, conversationId);
    if (r.status !== 200 || r.body.warning)
      throw new Error(`send "${message}" failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  history(tok: string, user: string, conversationId: string) {
    return this.request<ConversationState & { error?: string; warning?: string }>(
      'GET',
      `/api/${user}/conversations/${conversationId}`,
      tok,
    );
  }

  list(tok: string, user: string) {
    return this.request<{ conversations: (ConversationSummary & { conversation_id: string })[] }>(
      'GET',
      `/api/${user}/conversations`,
      tok,
    );
  }

  delete(tok: string, user: string, conversationId: string) {
    return this.request<undefined>('DELETE', `/api/${user}/conversations/${conversationId}`, tok);
  }
}
