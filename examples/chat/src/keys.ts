/**
 * State keys and the ownership rule. A conversation lives under `chat:{user_id}:{conversation_id}`
 * and a user's list of conversations under `chat-index:{user_id}`. Both parts are restricted to
 * characters that can never form another key (no `:`, no `|`, no `/`), so parsing is unambiguous
 * and no user id can reach into another user's keys.
 */

/** A user id (a JWT `sub`): letters, digits and `._@-`, starting with a letter or digit. */
export const USER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
/** A conversation id: letters, digits, `_` and `-` (UUIDs, numeric ids of migrated rows). */
export const CONVERSATION_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const CONVERSATION_KEY_RE = /^chat:([^:]+):([^:]+)$/;

export const isUserId = (s: unknown): s is string => typeof s === 'string' && USER_ID_RE.test(s);
export const isConversationId = (s: unknown): s is string =>
  typeof s === 'string' && CONVERSATION_ID_RE.test(s);

/** Thrown when a key or id is malformed (HTTP 400). */
export class InvalidKeyError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKeyError';
  }
}

/** Thrown when a key or path names a user other than the token's subject (HTTP 403). */
export class ForbiddenError extends Error {
  readonly statusCode = 403;
  constructor(message = 'this conversation belongs to another user') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** `chat:{user_id}:{conversation_id}`, after checking both parts. */
export function conversationKey(userId: string, conversationId: string): string {
  if (!isUserId(userId)) throw new InvalidKeyError(`invalid user id "${userId}"`);
  if (!isConversationId(conversationId))
    throw new InvalidKeyError(`invalid conversation id "${conversationId}"`);
  return `chat:${userId}:${conversationId}`;
}

/** `chat-index:{user_id}`: the user's conversation list (see README, "Listing conversations"). */
export function indexKey(userId: string): string {
  if (!isUserId(userId)) throw new InvalidKeyError(`invalid user id "${userId}"`);
  return `chat-index:${userId}`;
}

/** Splits and checks a conversation key. */
export function parseConversationKey(key: string): { userId: string; conversationId: string } {
  const m = CONVERSATION_KEY_RE.exec(key);
  if (!m || !isUserId(m[1]) || !isConversationId(m[2]))
    throw new InvalidKeyError(
      `invalid conversation key "${key}" (expected chat:{user_id}:{conversation_id})`,
    );
  return { userId: m[1], conversationId: m[2] };
}

/**
 * The one ownership check every state operation goes through before it reads anything: the key
 * must be well formed and its user id must be the authenticated subject.
 */
export function assertOwnedKey(subject: string, key: string): { userId: string; conversationId: string } {
  const parsed = parseConversationKey(key);
  if (parsed.userId !== subject) throw new ForbiddenError();
  return parsed;
}
