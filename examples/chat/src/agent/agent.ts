import type { Message, ToolCall } from '../conversation.js';

/** What the agent is given for one turn. */
export interface AgentInput {
  userId: string;
  conversationId: string;
  /** The most recent stored messages (at most MESSAGE_WINDOW_SIZE), oldest first. */
  history: Message[];
  /** The new user message. */
  message: string;
}

export interface AgentReply {
  content: string;
  tool_calls?: ToolCall[];
}

/** The model behind the chat. Implementations must not keep conversation state of their own. */
export interface Agent {
  readonly name: string;
  reply(input: AgentInput): Promise<AgentReply>;
}

/** The agent failed (network, bad answer): HTTP 502, nothing is stored. */
export class AgentError extends Error {
  readonly statusCode = 502;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AgentError';
  }
}
