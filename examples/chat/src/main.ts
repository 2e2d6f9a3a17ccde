/**
 * The chat service's entry point. Under daprts:
 *
 *   JWT_SECRET=... npx daprts run --app-id chat -- npx tsx examples/chat/src/main.ts
 *
 * (`daprts run` sets DAPR_HTTP_PORT; see examples/chat/README.md for every variable.)
 */
import { buildChatApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`chat: ${err.message}`);
  process.exit(2);
}

const chat = buildChatApp(config);
const url = await chat.listen();
chat.app.log.info(
  {
    url,
    dapr: `${config.daprHost}:${config.daprHttpPort}`,
    store: config.stateStore,
    agent: chat.service.agent.name,
  },
  'chat service listening',
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    chat.app.log.info({ signal }, 'shutting down');
    chat
      .close({ stopClient: true })
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  });
}
