import type { Agent, AgentInput, AgentReply } from './agent.js';

/**
 * A deterministic agent with no network: the same input always gives the same answer, so the
 * service, its tests and its benchmarks run anywhere. It answers by echoing, says how much history
 * it was given (which makes the window visible), recalls the first message it can see when asked,
 * and turns `/name arguments` into a tool call to show the `tool_calls` path end to end.
 */
export class LocalAgent implements Agent {
  readonly name = 'local';

  async reply({ history, message }: AgentInput): Promise<AgentReply> {
    const seen = `I can see ${history.length} earlier message${history.length === 1 ? '' : 's'}.`;
    const tool = /^\/([A-Za-z_][A-Za-z0-9_]*)\s*(.*)$/s.exec(message.trim());
    if (tool) {
      const [, name, args] = tool;
      return {
        content: `Calling ${name}. ${seen}`,
        tool_calls: [{ id: `call_${history.length}`, name, arguments: JSON.stringify({ input: args }) }],
      };
    }
    if (/what did i say first/i.test(message)) {
      const first = history.find((m) => m.role === 'user');
      return { content: first ? `You first said: "${first.content}". ${seen}` : `Nothing yet. ${seen}` };
    }
    return { content: `You said: "${message}". ${seen}` };
  }
}
