import type { OpenAiConfig } from '../config.js';
import type { ToolCall } from '../conversation.js';
import { AgentError, type Agent, type AgentInput, type AgentReply } from './agent.js';

interface ChatCompletionMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

interface ChatCompletionResponse {
  choices?: { message?: ChatCompletionMessage }[];
}

/**
 * An agent behind any OpenAI-compatible `POST {base}/chat/completions` endpoint (OpenAI, Azure's
 * compatible endpoint, vLLM, Ollama, LiteLLM, ...), configured by OPENAI_BASE_URL, OPENAI_API_KEY and
 * OPENAI_MODEL. The window of history is sent as the chat's messages; stored tool calls are not sent
 * back (without their results the API would reject them), their assistant text is.
 */
export class OpenAiAgent implements Agent {
  readonly name = 'openai';

  constructor(
    private readonly cfg: OpenAiConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  requestBody(input: AgentInput): { model: string; messages: ChatCompletionMessage[] } {
    const messages: ChatCompletionMessage[] = [];
    if (this.cfg.systemPrompt) messages.push({ role: 'system', content: this.cfg.systemPrompt });
    for (const m of input.history) {
      if (m.role === 'tool') continue; // a tool result needs the call it answers, which we don't send
      messages.push({ role: m.role, content: m.content });
    }
    messages.push({ role: 'user', content: input.message });
    return { model: this.cfg.model, messages };
  }

  async reply(input: AgentInput): Promise<AgentReply> {
    const url = `${this.cfg.baseUrl}/chat/completions`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.cfg.apiKey ? { authorization: `Bearer ${this.cfg.apiKey}` } : {}),
        },
        body: JSON.stringify(this.requestBody(input)),
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
    } catch (err) {
      throw new AgentError(`model endpoint ${url} unreachable: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new AgentError(`model endpoint answered ${res.status}: ${text.slice(0, 500)}`);
    let body: ChatCompletionResponse;
    try {
      body = JSON.parse(text) as ChatCompletionResponse;
    } catch {
      throw new AgentError(`model endpoint answered with non-JSON: ${text.slice(0, 200)}`);
    }
    const msg = body.choices?.[0]?.message;
    if (!msg) throw new AgentError('model endpoint answered without choices[0].message');
    const toolCalls: ToolCall[] | undefined = msg.tool_calls?.map((t) => ({
      id: t.id,
      name: t.function?.name ?? '',
      arguments: t.function?.arguments ?? '',
    }));
    return {
      content: msg.content ?? '',
      ...(toolCalls && toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    };
  }
}
