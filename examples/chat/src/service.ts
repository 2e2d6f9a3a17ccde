import { randomUUID } from 'node:crypto';
import type { Agent } from './agent/index.js';
import {
  historyWindow,
  listFromIndex,
  MalformedStateError,
  type ConversationState,
  type ConversationSummary,
  type Message,
  type ToolCall,
} from './conversation.js';
import { conversationKey } from './keys.js';
import { KeyedQueue } from './lock.js';
import {
  StateUnavailableError,
  WriteContentionError,
  silentLog,
  type ConversationStore,
  type Log,
  type Snapshot,
} from './store.js';

export const WARNINGS = {
  unavailable:
    'Conversation history is temporarily unavailable: this answer was given without earlier messages and was not saved.',
  historyUnavailable: 'Conversation history is temporarily unavailable; try again shortly.',
  notSaved: 'Conversation history is temporarily unavailable: this exchange was not saved.',
  contention: 'This conversation is being changed by too many requests at once: this exchange was not saved.',
  unreadable:
    'The stored history of this conversation could not be read: this answer was given without it and was not saved.',
} as const;

export interface SendResult {
  conversation_id: string;
  response: string;
  tool_calls: ToolCall[];
  /** Present only in degraded mode: why the answer has no history or was not saved. */
  warning?: string;
}

export class NotFoundError extends Error {
  readonly statusCode = 404;
  constructor(message = 'conversation not found') {
    super(message);
    this.name = 'NotFoundError';
  }
}

export interface ServiceOptions {
  messageWindowSize: number;
  serializeTurns: boolean;
}

/**
 * The chat use cases over the store and the agent. Callers pass the authenticated subject; every
 * key is built from it (and checked again by the store), so nothing here can touch another user's
 * state.
 */
export class ChatService {
  private readonly queue = new KeyedQueue();

  constructor(
    readonly store: ConversationStore,
    readonly agent: Agent,
    private readonly opts: ServiceOptions,
    private readonly log: Log = silentLog,
  ) {}

  /** One turn: load the history, ask the agent, append the user message and the answer. */
  send(subject: string, conversationId: string | undefined, message: string): Promise<SendResult> {
    const id = conversationId ?? randomUUID();
    const key = conversationKey(subject, id);
    const receivedAt = new Date().toISOString();
    const turn = () => this.turn(subject, key, id, message, receivedAt);
    return this.opts.serializeTurns ? this.queue.run(key, turn) : turn();
  }

  private async turn(
    subject: string,
    key: string,
    conversationId: string,
    message: string,
    receivedAt: string,
  ): Promise<SendResult> {
    let snap: Snapshot | undefined;
    let warning: string | undefined;
    try {
      snap = await this.store.load(subject, key);
    } catch (err) {
      if (err instanceof StateUnavailableError) warning = WARNINGS.unavailable;
      else if (err instanceof MalformedStateError) {
        this.log.error({ err: err.message, key }, 'unreadable conversation; answering without it');
        warning = WARNINGS.unreadable;
      } else throw err;
    }
    const history = historyWindow(snap?.conversation?.messages ?? [], this.opts.messageWindowSize);
    const reply = await this.agent.reply({ userId: subject, conversationId, history, message });
    const result: SendResult = {
      conversation_id: conversationId,
      response: reply.content,
      tool_calls: reply.tool_calls ?? [],
    };
    if (!snap) return { ...result, warning };

    const added: Message[] = [
      { id: randomUUID(), role: 'user', content: message, created_at: receivedAt },
      {
        id: randomUUID(),
        role: 'assistant',
        content: reply.content,
        ...(reply.tool_calls?.length ? { tool_calls: reply.tool_calls } : {}),
        created_at: new Date().toISOString(),
      },
    ];
    try {
      await this.store.append(subject, key, added, snap);
    } catch (err) {
      if (err instanceof StateUnavailableError) return { ...result, warning: WARNINGS.notSaved };
      if (err instanceof WriteContentionError) {
        this.log.error({ key, err: err.message }, 'append gave up');
        return { ...result, warning: WARNINGS.contention };
      }
      throw err;
    }
    return result;
  }

  async history(subject: string, conversationId: string): Promise<ConversationState> {
    const key = conversationKey(subject, conversationId);
    const state = await this.store.getConversation(subject, key);
    if (!state) throw new NotFoundError();
    return state;
  }

  async list(subject: string): Promise<(ConversationSummary & { conversation_id: string })[]> {
    const index = await this.store.getIndex(subject);
    return listFromIndex(index, Date.now());
  }

  async remove(subject: string, conversationId: string): Promise<void> {
    const key = conversationKey(subject, conversationId);
    const run = () => this.store.remove(subject, key);
    const existed = await (this.opts.serializeTurns ? this.queue.run(key, run) : run());
    if (!existed) throw new NotFoundError();
  }
}
