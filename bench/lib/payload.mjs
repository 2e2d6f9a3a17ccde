// The value every path reads and writes: a chat-history-like JSON document of about 5 KB, compact
// (as daprts stores a JSON value), and the keys it is stored under.

export const NKEYS = Number(process.env.NKEYS ?? 1000);
export const keyName = (i) => `k${i}`;

const LINES = [
  'Can you summarise the quarterly numbers for the EMEA region?',
  'Revenue grew 12% quarter on quarter, driven by the enterprise tier; churn stayed flat at 1.8%.',
  'What about the pipeline for next quarter?',
  'Qualified pipeline is 3.4M, 60% of it in late stages. Two large deals depend on procurement approval.',
  'Draft an email to the team with those points, please.',
  'Here is a draft: "Team, great quarter: revenue +12%, churn flat. Pipeline is healthy at 3.4M..."',
];

/** A deterministic chat history of `bytes` (±60) compact JSON bytes. */
export function chatHistory(bytes = 5120) {
  const doc = { conversationId: 'c0ffee00-1234-4abc-9def-000000000042', user: 'bench', messages: [] };
  for (let i = 0; JSON.stringify(doc).length < bytes - 140; i++) {
    doc.messages.push({
      id: i + 1,
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: LINES[i % LINES.length],
      ts: new Date(Date.UTC(2026, 10, 24, 9, 0, i * 7)).toISOString(),
    });
  }
  return JSON.stringify(doc);
}

export const VALUE = chatHistory();
export const VALUE_BYTES = Buffer.from(VALUE);
/** The daprts / Dapr save body for one key. */
export const saveBody = (key) => `[{"key":"${key}","value":${VALUE}}]`;
