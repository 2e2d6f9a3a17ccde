/**
 * The stored shapes (what is in the state store, snake_case as the original Python schemas) and
 * the pure functions over them: append with the cap, the agent's window, the index summaries.
 */

export type Role = 'user' | 'assistant' | 'system' | 'tool';
export const ROLES: readonly Role[] = ['user', 'assistant', 'system', 'tool'];

/** A tool call the agent made (OpenAI's shape, arguments as the JSON text the model produced). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface Message {
  /** Unique within the conversation; makes a retried append idempotent. */
  id: string;
  role: Role;
  content: string;
  tool_calls?: ToolCall[];
  /** ISO 8601, UTC. */
  created_at: string;
}

/** The value under `chat:{user_id}:{conversation_id}`. */
export interface ConversationState {
  version: 1;
  user_id: string;
  conversation_id: string;
  title: string;
  created_at: string;
  updated_at: string;
  /** Oldest first; at most MAX_MESSAGES (the oldest are dropped first). */
  messages: Message[];
}

/** One line of a user's conversation list. */
export interface ConversationSummary {
  title: string;
  created_at: string;
  updated_at: string;
  message_count: number;
  /**
   * When the store expires the conversation: its last write plus the TTL (absent: no TTL). The
   * index keeps it because the TTL runs from the last write, which is not always `updated_at`
   * (a migrated conversation was written long after its last message).
   */
  expires_at?: string;
}

/** The value under `chat-index:{user_id}`. */
export interface ConversationIndex {
  version: 1;
  user_id: string;
  conversations: Record<string, ConversationSummary>;
}

const TITLE_CHARS = 80;

/** The first user message, on one line and shortened: what a conversation list shows. */
export function titleFrom(messages: Message[]): string {
  const first = messages.find((m) => m.role === 'user')?.content ?? '';
  const line = first.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}

export function newConversation(userId: string, conversationId: string, now: string): ConversationState {
  return {
    version: 1,
    user_id: userId,
    conversation_id: conversationId,
    title: '',
    created_at: now,
    updated_at: now,
    messages: [],
  };
}

/**
 * Appends messages (a copy; the input is not changed) and keeps the most recent `maxMessages`.
 * `updated_at` becomes the last appended message's time.
 */
export function appendMessages(
  state: ConversationState,
  added: Message[],
  maxMessages: number,
): ConversationState {
  const all = [...state.messages, ...added];
  const messages = all.length > maxMessages ? all.slice(all.length - maxMessages) : all;
  const last = added[added.length - 1];
  return {
    ...state,
    title: state.title || titleFrom(added),
    updated_at: last ? last.created_at : state.updated_at,
    messages,
  };
}

/** The last `size` messages: the history the agent sees. */
export function historyWindow(messages: Message[], size: number): Message[] {
  return size <= 0 ? [] : messages.slice(-size);
}

export function summaryOf(state: ConversationState, ttlSeconds: number, nowMs: number): ConversationSummary {
  return {
    title: state.title,
    created_at: state.created_at,
    updated_at: state.updated_at,
    message_count: state.messages.length,
    ...(ttlSeconds > 0 ? { expires_at: new Date(nowMs + ttlSeconds * 1000).toISOString() } : {}),
  };
}

export function emptyIndex(userId: string): ConversationIndex {
  return { version: 1, user_id: userId, conversations: {} };
}

/** True when the store has expired (or is about to expire) the conversation a summary describes. */
export function isExpired(summary: ConversationSummary, nowMs: number): boolean {
  if (!summary.expires_at) return false;
  const t = Date.parse(summary.expires_at);
  return Number.isFinite(t) && t <= nowMs;
}

/**
 * The index with one conversation set (or removed, when `summary` is undefined) and the entries of
 * conversations the store has already expired dropped, so the index never outgrows what exists.
 */
export function withSummary(
  index: ConversationIndex,
  conversationId: string,
  summary: ConversationSummary | undefined,
  nowMs: number,
): ConversationIndex {
  const conversations: Record<string, ConversationSummary> = {};
  for (const [id, s] of Object.entries(index.conversations)) {
    if (id !== conversationId && !isExpired(s, nowMs)) conversations[id] = s;
  }
  if (summary) conversations[conversationId] = summary;
  return { ...index, conversations };
}

/** A conversation list, most recently used first, without expired conversations. */
export function listFromIndex(
  index: ConversationIndex | undefined,
  nowMs: number,
): (ConversationSummary & { conversation_id: string })[] {
  if (!index) return [];
  return Object.entries(index.conversations)
    .filter(([, s]) => !isExpired(s, nowMs))
    .map(([conversation_id, s]) => ({ conversation_id, ...s }))
    .sort((a, b) =>
      a.updated_at === b.updated_at
        ? a.conversation_id.localeCompare(b.conversation_id)
        : a.updated_at < b.updated_at
          ? 1
          : -1,
    );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isMessage(v: unknown): v is Message {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.role === 'string' &&
    (ROLES as readonly string[]).includes(v.role) &&
    typeof v.content === 'string' &&
    typeof v.created_at === 'string' &&
    (v.tool_calls === undefined || Array.isArray(v.tool_calls))
  );
}

/** Thrown when a stored value is not a conversation (it is logged; the value is never overwritten blindly). */
export class MalformedStateError extends Error {
  constructor(key: string, why: string) {
    super(`state under ${key} is not a conversation: ${why}`);
    this.name = 'MalformedStateError';
  }
}

/** Checks a value read from the store; `undefined` for a missing key. */
export function parseConversation(key: string, value: unknown): ConversationState | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!isObject(value)) throw new MalformedStateError(key, 'not an object');
  if (value.version !== 1) throw new MalformedStateError(key, `unknown version ${String(value.version)}`);
  if (!Array.isArray(value.messages) || !value.messages.every(isMessage))
    throw new MalformedStateError(key, 'bad messages');
  if (typeof value.created_at !== 'string' || typeof value.updated_at !== 'string')
    throw new MalformedStateError(key, 'bad timestamps');
  return value as unknown as ConversationState;
}

export function parseIndex(key: string, value: unknown): ConversationIndex | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!isObject(value) || value.version !== 1 || !isObject(value.conversations))
    throw new MalformedStateError(key, 'not a conversation index');
  return value as unknown as ConversationIndex;
}
