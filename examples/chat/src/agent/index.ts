import type { ChatConfig } from '../config.js';
import type { Agent } from './agent.js';
import { LocalAgent } from './local.js';
import { OpenAiAgent } from './openai.js';

export type { Agent, AgentInput, AgentReply } from './agent.js';
export { AgentError } from './agent.js';
export { LocalAgent } from './local.js';
export { OpenAiAgent } from './openai.js';

/** The agent the configuration names (`AGENT=local`, the default, or `AGENT=openai`). */
export function createAgent(cfg: Pick<ChatConfig, 'agent' | 'openai'>): Agent {
  return cfg.agent === 'openai' ? new OpenAiAgent(cfg.openai) : new LocalAgent();
}
